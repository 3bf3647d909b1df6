/** The process logger: pino, JSON by default (USE_JSON_LOGS=false → pretty), optionally also to LOG_FILE. */
import pino, { type Logger } from "pino";
import type { Config } from "../config.js";
import { SERVICE_NAME } from "../contract.js";

/** Header and field paths that may carry credentials. */
export const REDACT_PATHS = ["req.headers.authorization", "req.headers.cookie", "*.apiKey", "*.password"];

export function createLogger(config: Config): Logger {
  const options = {
    level: config.log.level,
    base: { service: SERVICE_NAME, version: config.version },
    redact: REDACT_PATHS,
  };
  if (config.log.json && !config.log.file) return pino(options);
  const targets: pino.TransportTargetOptions[] = [
    config.log.json
      ? { target: "pino/file", options: { destination: 1 } }
      : { target: "pino-pretty", options: { destination: 1, translateTime: "SYS:standard" } },
  ];
  if (config.log.file)
    targets.push({ target: "pino/file", options: { destination: config.log.file, mkdir: true } });
  return pino(options, pino.transport({ targets }));
}

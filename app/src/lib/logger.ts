/**
 * The process logger: pino, JSON by default (USE_JSON_LOGS=false → pino-pretty), optionally also to
 * LOG_FILE (its directory is created), rotated at LOG_FILE_MAX_BYTES when that is set. Every line carries the active span's trace_id/span_id and
 * goes through the secret scrubber (`telemetry/redaction.ts`).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { SERVICE_NAME } from "@mcp-stack/contract";
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import type { Config } from "../config.js";
import { createScrubber, REDACT_PATHS, secretValues } from "../telemetry/redaction.js";
import { currentTraceIds } from "../telemetry/tracing.js";
import { rotatingFile } from "./rotating-file.js";

export { REDACT_PATHS } from "../telemetry/redaction.js";

export interface LoggerOptions {
  /** Write here instead of stdout (tests capture lines). LOG_FILE still applies. */
  destination?: DestinationStream;
}

export type LoggerConfig = Pick<Config, "log" | "version"> & Partial<Config>;

/** The logger the configuration asks for. Pass the whole Config so its secrets are scrubbed. */
export function createLogger(config: LoggerConfig, options: LoggerOptions = {}): Logger {
  const scrub = createScrubber(isFullConfig(config) ? secretValues(config) : []);
  const console: DestinationStream =
    options.destination ??
    (config.log.json
      ? pino.destination({ dest: 1, sync: true })
      : pretty({
          destination: 1,
          sync: true,
          // Colours only for a person at a terminal, never into files or log collectors.
          colorize: process.stdout.isTTY === true,
          translateTime: "SYS:standard",
        }));
  const streams: pino.StreamEntry[] = [{ stream: console, level: "trace" }];
  if (config.log.file) {
    mkdirSync(path.dirname(path.resolve(config.log.file)), { recursive: true });
    // Synchronous so nothing is lost when the process exits right after a line (shutdown, fatal).
    const file =
      config.log.fileMaxBytes === undefined
        ? pino.destination({ dest: config.log.file, sync: true })
        : rotatingFile(config.log.file, config.log.fileMaxBytes);
    streams.push({ stream: file, level: "trace" });
  }
  return pino(
    {
      level: config.log.level,
      base: { service: SERVICE_NAME, version: config.version, pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      mixin: currentTraceIds,
      hooks: { streamWrite: scrub },
    },
    streams.length === 1 ? console : pino.multistream(streams),
  );
}

function isFullConfig(config: LoggerConfig): config is Config {
  return config.database !== undefined && config.apiKeys !== undefined;
}

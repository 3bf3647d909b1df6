/**
 * LOG_FILE with LOG_FILE_MAX_BYTES: a logger that writes far past the limit leaves at most the file
 * and one rotated predecessor, each within the limit, so the logs never outgrow the emptyDir they
 * live on (a kubelet evicts a pod whose emptyDir exceeds its sizeLimit). Without the limit the file
 * simply grows: the failure this guards against.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../app/src/config.js";
import { createLogger } from "../../../app/src/lib/logger.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A logger on LOG_FILE in a fresh directory, its stdout swallowed. */
function logTo(env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-logs-"));
  dirs.push(dir);
  const file = path.join(dir, "app.log");
  const config = loadConfig({ LOG_FILE: file, LOG_LEVEL: "INFO", ...env });
  const logger = createLogger(config, { destination: { write: () => {} } });
  return { dir, file, logger };
}

const LIMIT = 64 * 1024;
const line = (i: number) => ({ i, note: "probe answered".padEnd(200, ".") });

describe("LOG_FILE rotation", () => {
  it("keeps the logs within twice LOG_FILE_MAX_BYTES however much is written", () => {
    const { dir, file, logger } = logTo({ LOG_FILE_MAX_BYTES: String(LIMIT) });
    const written = 10 * LIMIT;
    let total = 0;
    let i = 0;
    while (total < written) {
      logger.info(line(i), "request completed");
      total += JSON.stringify(line(i)).length;
      i++;
    }
    logger.info({ i: "last" }, "the last line");
    expect(readdirSync(dir).sort()).toEqual(["app.log", "app.log.1"]);
    const current = statSync(file).size;
    const previous = statSync(`${file}.1`).size;
    expect(current).toBeLessThanOrEqual(LIMIT);
    expect(previous).toBeLessThanOrEqual(LIMIT);
    expect(previous).toBeGreaterThan(LIMIT / 2);
    // Every line whole and parseable; the newest in the current file.
    const lines = readFileSync(file, "utf8").trim().split("\n");
    for (const l of [...lines, ...readFileSync(`${file}.1`, "utf8").trim().split("\n")])
      expect(() => JSON.parse(l)).not.toThrow();
    expect(JSON.parse(lines.at(-1)!).msg).toBe("the last line");
  });

  it("without LOG_FILE_MAX_BYTES the file grows with every line (what Kubernetes never gets)", () => {
    const { file, logger } = logTo({});
    for (let i = 0; i < 600; i++) logger.info(line(i), "request completed");
    expect(statSync(file).size).toBeGreaterThan(2 * LIMIT);
  });

  it("rejects a limit too small to hold a line, naming the variable", () => {
    expect(() => loadConfig({ LOG_FILE_MAX_BYTES: "100" })).toThrow(/LOG_FILE_MAX_BYTES/);
  });
});

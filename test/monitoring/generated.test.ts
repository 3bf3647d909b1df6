import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { monitoringFiles } from "../../stacks/monitoring-inputs.js";

describe("generated monitoring files", () => {
  const files = monitoringFiles();

  it("include the paths the reference names", () => {
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        "monitoring/generated/reference/prometheus.yml",
        "monitoring/generated/reference/alerts/mcp-backend.yml",
        "monitoring/generated/reference/grafana/mcp-backend-dashboard.json",
        "monitoring/generated/prod/otel-collector.yaml",
        "monitoring/generated/staging/prometheus.yml",
      ]),
    );
  });

  it.each(Object.keys(files))("%s is committed and up to date (run npm run generate:monitoring)", (path) => {
    expect(existsSync(path), `${path} missing`).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(files[path]);
  });
});

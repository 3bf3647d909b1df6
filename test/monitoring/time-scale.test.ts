/** The test-only time scale of the rules and Alertmanager routes: same rules, shorter durations. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertmanagerConfig } from "../../monitoring/alertmanager-config.js";
import { ruleFiles } from "../../monitoring/alerts/index.js";
import { durationMs, scaleDuration, scaleRanges } from "../../monitoring/time-scale.js";
import { toYaml } from "../../monitoring/yaml.js";
import { requireTool, run, tempDir } from "./tools.js";

const SCALE = 1 / 120;

describe("time scale", () => {
  it("scales Prometheus durations to whole milliseconds", () => {
    expect(durationMs("1h30m")).toBe(5_400_000);
    expect(scaleDuration("15m", SCALE)).toBe("7500ms");
    expect(scaleDuration("1h", SCALE)).toBe("30s");
    expect(scaleDuration("30s", SCALE)).toBe("250ms");
    expect(scaleDuration("5m", 1)).toBe("5m");
    expect(() => scaleDuration("5 minutes", SCALE)).toThrow(/duration/);
    expect(scaleRanges('rate(x{a="[5m]"}[5m]) + max_over_time(y[1h:1m])', SCALE)).toBe(
      'rate(x{a="[2500ms]"}[2500ms]) + max_over_time(y[30s:500ms])',
    );
  });

  it("changes only durations: names, labels, annotations and thresholds are the deployed rules'", () => {
    const normal = ruleFiles();
    const fast = ruleFiles({ timeScale: SCALE });
    const strip = (files: typeof normal) =>
      JSON.parse(
        JSON.stringify(files)
          .replace(/\[\w+\]/g, "[d]")
          .replace(/"(for|interval)":"\w+"/g, '"$1":"d"'),
      );
    expect(strip(fast)).toEqual(strip(normal));
    const rule = (files: typeof normal, name: string) =>
      files.flatMap((f) => f.groups.flatMap((g) => g.rules)).find((r) => r.alert === name)!;
    expect(rule(fast, "LowCacheHitRate").for).toBe("7500ms");
    expect(rule(fast, "LowCacheHitRate").expr).toContain("[5s]");
    expect((fast[0]!.groups[0] as { interval?: string }).interval).toBe("250ms");
  });

  it("gives rules promtool accepts and a scaled Alertmanager route", () => {
    requireTool("promtool", "prometheus");
    const dir = tempDir("time-scale");
    const files = ruleFiles({ timeScale: SCALE }).map((f) => {
      const path = join(dir, f.file);
      writeFileSync(path, toYaml({ groups: f.groups }));
      return path;
    });
    expect(run("promtool", ["check", "rules", ...files])).toContain("SUCCESS");
    const route = alertmanagerConfig("webhook", { timeScale: SCALE }).route as Record<string, unknown>;
    expect([route.group_wait, route.group_interval, route.repeat_interval]).toEqual([
      "250ms",
      "2500ms",
      "120s",
    ]);
    expect(alertmanagerConfig("webhook")).toMatchObject({
      route: { group_wait: "30s", group_interval: "5m" },
    });
  });
});

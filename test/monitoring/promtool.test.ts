import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { MONITORING_PATHS } from "@mcp-stack/contract";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { resolveEnvironment } from "../../environments/index.js";
import { ALERT_RECEIVER_FILE, alertmanagerConfig } from "../../monitoring/alertmanager-config.js";
import { ROWS } from "../../monitoring/dashboards/mcp-backend.js";
import { prometheusYaml, rulesYaml } from "../../monitoring/yaml.js";
import { MONITORED_ENVIRONMENTS, monitoredDeployment } from "../../stacks/monitoring-inputs.js";
import { amtoolVersion, requireTool, run, tempDir } from "./tools.js";

const TESTS_DIR = "monitoring/prometheus/tests";
const CNPG_TEST = "cloudnative-pg-test.yml";

/**
 * Lay out an environment's prometheus.yml and rules like /etc/prometheus inside a temp dir, with the
 * in-container paths (config dir, service account files) rewritten to it, as `promtool check config`
 * resolves rule globs and checks that credential files exist.
 */
function layOut(envName: string): string {
  const env = monitoredDeployment(resolveEnvironment(envName));
  const dir = tempDir(`prom-${envName}`);
  const sa = join(dir, "serviceaccount");
  mkdirSync(join(dir, "alerts"), { recursive: true });
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, "token"), "token");
  writeFileSync(join(sa, "ca.crt"), "");
  const config = prometheusYaml(env)
    .replaceAll(MONITORING_PATHS.prometheusConfigDir, dir)
    .replaceAll(MONITORING_PATHS.serviceAccountDir, sa);
  writeFileSync(join(dir, "prometheus.yml"), config);
  for (const [file, text] of Object.entries(rulesYaml(env))) writeFileSync(join(dir, "alerts", file), text);
  return dir;
}

beforeAll(() => {
  requireTool("promtool", "prometheus");
  requireTool("amtool", "prometheus-alertmanager");
});

describe("prometheus.yml", () => {
  it.each(MONITORED_ENVIRONMENTS)("passes promtool check config with its rule files for %s", (name) => {
    const dir = layOut(name);
    const file = join(dir, "prometheus.yml");
    const first = spawnSync("promtool", ["check", "config", file], { encoding: "utf8" });
    if (`${first.stdout}${first.stderr}`.includes("field kubernetes_sd_configs not found")) {
      // Debian builds promtool without the Kubernetes service discovery. Everything else (relabel
      // regexes, TLS and credential files, rule files) is still checked with file SD in its place; the
      // SD blocks themselves are asserted in prometheus-config.test.ts.
      const sd = join(dir, "targets.json");
      writeFileSync(sd, "[]");
      const config = parse(readFileSync(file, "utf8")) as { scrape_configs: Record<string, unknown>[] };
      for (const job of config.scrape_configs) {
        if (!job.kubernetes_sd_configs) continue;
        delete job.kubernetes_sd_configs;
        job.file_sd_configs = [{ files: [sd] }];
      }
      writeFileSync(file, stringify(config));
    }
    const out = run("promtool", ["check", "config", file]);
    expect(out).toContain("SUCCESS");
    // The rule_files glob found both files (a wrong path would find none and still pass).
    expect(out).toMatch(/SUCCESS: \d+ rules found[\s\S]*SUCCESS: \d+ rules found/);
  });
});

describe("alert rules", () => {
  it.each(MONITORED_ENVIRONMENTS)("pass promtool check rules for %s", (name) => {
    const dir = layOut(name);
    const files = readdirSync(join(dir, "alerts")).map((f) => join(dir, "alerts", f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(run("promtool", ["check", "rules", ...files])).not.toContain("FAILED");
  });

  it("pass their promtool unit tests (against the generated rules files they name)", () => {
    const tests = readdirSync(TESTS_DIR).filter((f) => f.endsWith(".yml"));
    expect(tests.sort()).toEqual([CNPG_TEST, "data-tier-test.yml", "mcp-backend-test.yml"]);
    const out = run("promtool", ["test", "rules", ...tests.map((f) => join(TESTS_DIR, f))]);
    expect(out).not.toContain("FAILED");
    expect(out.match(/SUCCESS/g)?.length).toBe(tests.length);
  });

  it("test CloudNativePG's rules as prod generates them", () => {
    const prod = rulesYaml(monitoredDeployment(resolveEnvironment("prod")));
    expect(Object.keys(prod)).toContain("cloudnative-pg.yml");
    const generated = readFileSync("monitoring/generated/reference/alerts/cloudnative-pg.yml", "utf8");
    expect(generated).toBe(prod["cloudnative-pg.yml"]);
    expect(
      run("promtool", ["check", "rules", "monitoring/generated/reference/alerts/cloudnative-pg.yml"]),
    ).toContain("SUCCESS: 7 rules found");
  });
});

describe("dashboard PromQL", () => {
  it("parses with promtool (every panel expression as a recording rule)", () => {
    const exprs = ROWS.flatMap((r) => r.panels.flatMap((p) => p.targets.map((t) => t.expr)));
    expect(exprs.length).toBeGreaterThan(20);
    const rules = exprs.map((expr, i) => ({
      record: `dashboard:panel_${i}`,
      // Grafana's interval variable is not PromQL; it becomes a concrete range here.
      expr: expr.replaceAll("$__rate_interval", "1m"),
    }));
    const file = join(tempDir("dash"), "dashboard-rules.yml");
    writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
    expect(run("promtool", ["check", "rules", file])).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});

describe("alertmanager.yml", () => {
  const kinds = ["null", "webhook", "slack", "pagerduty"] as const;

  it.each(kinds)("passes amtool check-config with the %s receiver", (kind) => {
    const dir = tempDir(`am-${kind}`);
    const secret = join(dir, "secrets", "alert-receiver");
    mkdirSync(dirname(secret), { recursive: true });
    writeFileSync(secret, "https://hooks.example.invalid/x");
    const config = alertmanagerConfig(kind);
    let text = stringify(config).replaceAll(ALERT_RECEIVER_FILE, secret);
    // Debian bookworm's amtool 0.25 predates webhook `url_file` (Alertmanager 0.26; the image is 0.28).
    // Its check then runs with the file read into `url`, and the config itself is asserted to use the file.
    const [major, minor] = amtoolVersion();
    if (kind === "webhook" && major === 0 && minor < 26) {
      expect(text).toContain(`url_file: ${secret}`);
      text = text.replace(`url_file: ${secret}`, "url: https://hooks.example.invalid/x");
    }
    const file = join(dir, "alertmanager.yml");
    writeFileSync(file, text);
    expect(run("amtool", ["check-config", file])).toContain("SUCCESS");
    // The receiver names its secret by file, never by value.
    expect(JSON.stringify(parse(stringify(config)))).not.toContain("hooks.example.invalid");
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { overrideConfig, parseRenderArgs, runRender, UsageError } from "../../scripts/render-cli.js";

const out = mkdtempSync(join(tmpdir(), "render-cli-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function read(env: string, file: string): Record<string, unknown> {
  return parse(readFileSync(join(out, env, file), "utf8")) as Record<string, unknown>;
}
const appConfig = (env: string) =>
  read(env, "configmap-mcp-backend-config.yaml").data as Record<string, string>;

async function render(argv: string[]): Promise<{ code: number; errors: string[] }> {
  const errors: string[] = [];
  const code = await runRender(
    argv,
    () => {},
    (m: string) => errors.push(m),
  );
  return { code, errors };
}

describe("npm run render arguments", () => {
  it("renders every environment to rendered/ without arguments", () => {
    const args = parseRenderArgs([], "/repo");
    expect(args).toEqual({ envs: ["dev", "staging", "prod"], sets: [], out: "/repo/rendered" });
  });

  it("takes one environment, --set in order (either spelling) and --out", () => {
    const args = parseRenderArgs(["prod", "--set", "a.b=1", "--set=c=x=y", "--out", out], "/repo");
    expect(args).toEqual({
      envs: ["prod"],
      sets: [
        ["a.b", "1"],
        ["c", "x=y"],
      ],
      out,
    });
  });

  it("sends --set without --out to a temporary directory, never to the committed rendered/", () => {
    expect(parseRenderArgs(["staging", "--set", "a=1"], "/repo").out).toBeUndefined();
    const explicit = parseRenderArgs(["staging", "--set", "a=1", "--out", "/repo/rendered"], "/repo");
    expect(explicit.out).toBe("/repo/rendered");
  });

  it("says where an override render went: a new directory under the system's temp dir", async () => {
    const lines: string[] = [];
    const code = await runRender(["dev", "--set", "kubernetes.replicas=1"], (m: string) => lines.push(m));
    expect(code).toBe(0);
    const where = /→ (\S+)\/$/.exec(lines[0] ?? "")?.[1];
    expect(where, lines.join("\n")).toMatch(new RegExp(`^${tmpdir()}/mcp-stack-render-[^/]+/dev$`));
    expect(readdirSync(where!).length).toBeGreaterThan(10);
    rmSync(join(where!, ".."), { recursive: true, force: true });
  });

  it("refuses --set without an environment, a bad pair and an unknown environment", () => {
    expect(() => parseRenderArgs(["--set", "a=1"])).toThrow(UsageError);
    expect(() => parseRenderArgs(["dev", "--set", "novalue"])).toThrow(/expected <path>=<value>/);
    expect(() => parseRenderArgs(["qa"])).toThrow('Unknown environment "qa"');
  });

  it("applies --set over the render's own config, as consecutive pulumi config set calls", () => {
    const config = overrideConfig("prod", [["jaeger.collector.exportEndpoint", "otel.example:4317"]]);
    expect(JSON.parse(config.jaeger as string)).toEqual({
      collector: { exportEndpoint: "otel.example:4317" },
    });
    expect(config.backups).toBe(
      JSON.stringify({ objectStore: { destinationPath: "s3://backups.example/render-only" } }),
    );
  });
});

describe("npm run render -- <env> --set", () => {
  it("renders an integer, a boolean and a string override into <out>/<env>/", async () => {
    const r = await render([
      "staging",
      "--set",
      "cache.maxSize=4321",
      "--set",
      "cache.enabled=false",
      "--set",
      "logging.level=DEBUG",
      "--out",
      out,
    ]);
    expect(r).toEqual({ code: 0, errors: [] });
    expect(readdirSync(join(out, "staging")).length).toBeGreaterThan(10);
    expect(appConfig("staging")).toMatchObject({
      CACHE_MAX_SIZE: "4321",
      CACHE_ENABLED: "false",
      LOG_LEVEL: "DEBUG",
    });
  });

  it("reads a top-level value as JSON, as the stack does: an object and a plain string", async () => {
    const r = await render([
      "dev",
      "--set",
      'logging={"level":"WARNING","json":false}',
      "--set",
      "version=2.3.4",
      "--out",
      out,
    ]);
    expect(r).toEqual({ code: 0, errors: [] });
    expect(appConfig("dev")).toMatchObject({
      LOG_LEVEL: "WARNING",
      USE_JSON_LOGS: "false",
      APP_VERSION: "2.3.4",
    });
  });

  it("rejects an override the schema rejects, with the stack's message", async () => {
    const r = await render(["staging", "--set", "kubernetes.replicas=-1", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([
      'error: Invalid environment "staging":\n  - staging: kubernetes.replicas: Too small: expected number to be >0',
    ]);
  });

  it("rejects a misspelt top-level key (it used to render with exit 0 and drop the change), with the near name", async () => {
    const r = await render(["staging", "--set", "kubernete.replicas=3", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([
      'error: Invalid environment "staging":\n  - staging: kubernete: unknown key in stack config (remove it: pulumi config rm mcp-stack:kubernete); did you mean "kubernetes"?',
    ]);
  });

  it("lists every unknown key at once, top-level and nested, each with its path", async () => {
    const r = await render([
      "prod",
      "--set",
      "kubernete.replicas=3",
      "--set",
      "cache.maxSise=5",
      "--set",
      "dbPasword=x",
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    const lines = r.errors[0]?.split("\n").slice(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^ {2}- prod: dbPasword: unknown key in stack config .*; did you mean "dbPassword"\?$/,
      ),
      expect.stringMatching(
        /^ {2}- prod: kubernete: unknown key in stack config .*; did you mean "kubernetes"\?$/,
      ),
      '  - prod: cache.maxSise: unknown key; did you mean "maxSize"?',
    ]);
  });

  it("rejects a string where the model wants a number: a float stays a string under --path", async () => {
    const r = await render(["staging", "--set", "cache.maxSize=1.5", "--out", out]);
    expect(r.errors[0]).toContain("staging: cache.maxSize: Invalid input: expected number, received string");
  });

  it("rejects a number where the model wants a string: a top-level value is read as JSON", async () => {
    const r = await render(["dev", "--set", "version=2", "--out", out]);
    expect(r.errors[0]).toContain("dev: version: Invalid input: expected string, received number");
  });

  it("stops on a stack config error with the stack's message (StackConfigError)", async () => {
    // An empty kubeContext is unset (the Pulumi.yaml default), so the stack names no cluster.
    const r = await render(["prod", "--set", "kubeContext=", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.errors[0]).toMatch(
      /^error: prod: no cluster named; run one of:\n {2}pulumi config set mcp-stack:kubeContext/,
    );
  });
});

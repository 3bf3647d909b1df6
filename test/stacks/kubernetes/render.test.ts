import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENVIRONMENT_NAMES } from "../../../environments/index.js";
import { maskSecrets, renderEnvironment, staleFiles } from "../../../stacks/kubernetes/render.js";
import { validateKubeObject } from "../../helpers/kube-schema.js";

const RENDERED_DIR = join(import.meta.dirname, "..", "..", "..", "rendered");

describe.each(ENVIRONMENT_NAMES)("rendered %s", (env) => {
  it("matches the committed files under rendered/ (run `npm run render` after changing the stack)", async () => {
    const fresh = await renderEnvironment(env);
    expect(staleFiles(RENDERED_DIR, env, fresh)).toEqual([]);
  });

  it("contains only objects valid against the Kubernetes OpenAPI schema", async () => {
    const files = await renderEnvironment(env);
    expect(files.size).toBeGreaterThan(10);
    for (const [name, text] of files) {
      if (name.startsWith("helmrelease-")) continue;
      const obj = parse(text) as Parameters<typeof validateKubeObject>[0];
      expect(() => validateKubeObject(obj), name).not.toThrow();
    }
  });
});

describe("rendered Helm releases (prod's operators)", () => {
  it("pin every chart to an exact version from an HTTPS repository, atomically", async () => {
    const files = await renderEnvironment("prod");
    const releases = [...files].filter(([n]) => n.startsWith("helmrelease-")).map(([, t]) => parse(t));
    expect(releases.map((r) => r.chart).sort()).toEqual([
      "cert-manager",
      "cloudnative-pg",
      "plugin-barman-cloud",
    ]);
    for (const r of releases) {
      expect(r.version, r.chart).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(r.repositoryOpts.repo, r.chart).toMatch(/^https:\/\//);
      expect(r.atomic, r.chart).toBe(true);
    }
  });
});

describe("render secret masking", () => {
  it("masks placeholder secrets inside Secrets", () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      stringData: { url: "postgresql://u:RENDERSECRETdbPasswordXX@h/db" },
    };
    expect(maskSecrets(secret).stringData).toEqual({ url: "postgresql://u:<secret:dbPassword>@h/db" });
  });

  it("fails when a secret value reaches any other kind of object", () => {
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { K: "RENDERSECRETapiKeysXX" },
    };
    expect(() => maskSecrets(cm)).toThrow(/apiKeys leaked into ConfigMap c/);
  });

  it("reports a file that is stale, missing or changed", () => {
    const fresh = new Map([["deployment-x.yaml", "a: 1\n"]]);
    expect(staleFiles(join(RENDERED_DIR, "..", "no-such-dir"), "prod", fresh)).toEqual(["prod/ is missing"]);
    const problems = staleFiles(RENDERED_DIR, "prod", fresh);
    expect(problems).toContain("prod/deployment-x.yaml is missing");
    expect(problems).toContain("prod/deployment-mcp-backend.yaml is stale (no longer rendered)");
  });
});

describe("every rendered file names its origin", () => {
  const ROOT = join(import.meta.dirname, "..", "..", "..");
  const sources = readdirSync(join(ROOT, "infra"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(join(ROOT, "infra", f), "utf8"))
    .join("\n");

  it.each(ENVIRONMENT_NAMES)("%s: the component chain, each a class a grep finds in infra/", async (env) => {
    const files = await renderEnvironment(env);
    const unfound: string[] = [];
    for (const [name, text] of files) {
      const made = /^# Made by: (.+)$/m.exec(text)?.[1];
      expect(made, name).toMatch(/^mcp-stack:index:\w+ \S+/);
      expect(text, name).toMatch(/^# Pulumi resource: kubernetes:\S+ \S+$/m);
      for (const link of made!.split(" < ")) {
        const cls = /^mcp-stack:index:(\w+) /.exec(link)?.[1];
        if (!cls || !new RegExp(`class ${cls}\\b`).test(sources)) unfound.push(`${name}: ${link}`);
      }
    }
    expect(unfound).toEqual([]);
  });

  it("the app's Deployment names McpBackend mcp-backend in prod's namespace", async () => {
    const text = (await renderEnvironment("prod")).get("deployment-mcp-backend.yaml")!;
    expect(text.split("\n").slice(1, 3)).toEqual([
      "# Pulumi resource: kubernetes:apps/v1:Deployment deployment/mcp-backend",
      "# Made by: mcp-stack:index:McpBackend mcp-backend < mcp-stack:index:EnvironmentNamespace production",
    ]);
  });
});

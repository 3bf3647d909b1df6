import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE_MODULES } from "../../engines/manifest.js";
import {
  buildModule,
  enginePath,
  enginesPath,
  installProviderPlugin,
  REPO_ROOT,
} from "../../scripts/engines/build.js";

/**
 * Our Node.js language host (engines/language-nodejs) under the real CLI 3.276: a tiny program on a
 * file backend, a tiny policy pack, and this repository as a component package. Only the modules
 * these need are built (the CLI, the host, the Kubernetes provider the package depends on).
 */
const work = mkdtempSync(join(tmpdir(), "mcp-stack-langhost-"));
const NODE_MODULES = join(REPO_ROOT, "node_modules");
let env: NodeJS.ProcessEnv;

function pulumi(args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("pulumi", args, {
    cwd,
    env: { ...env, ...extra },
    encoding: "utf8",
    timeout: 10 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", all: `${r.stdout}${r.stderr}` };
}

function write(dir: string, files: Record<string, string>) {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

beforeAll(() => {
  const resolved = ["pulumi", "language-nodejs", "kubernetes-provider"].map((dir) =>
    buildModule(ENGINE_MODULES.find((m) => m.dir === dir)!),
  );
  const home = join(work, "pulumi-home");
  mkdirSync(join(work, "state"), { recursive: true });
  env = {
    ...process.env,
    // The engines first (the CLI takes the host beside it as bundled), then this Node.js, nothing else.
    PATH: enginesPath(resolved, `${dirname(process.execPath)}:/usr/bin:/bin`),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  // vitest's own loader flags must not leak into the programs' node.
  delete env.NODE_OPTIONS;
  installProviderPlugin(enginePath("pulumi"), enginePath("pulumi-resource-kubernetes"), home);

  // The program: config and a secret in, outputs out, a global set by the nodeargs --import hook, one
  // component (for the policy pack to judge) and a throw on demand.
  const program = join(work, "program");
  write(program, {
    "Pulumi.yaml": [
      "name: tiny",
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: false",
      '    nodeargs: "--import ./hook.mjs"',
      "",
    ].join("\n"),
    "package.json": JSON.stringify({ name: "tiny", version: "0.0.1", main: "index.js" }),
    "hook.mjs": 'globalThis.__hook = "set by the nodeargs import";\n',
    "index.js": [
      'const pulumi = require("@pulumi/pulumi");',
      "const config = new pulumi.Config();",
      'new pulumi.ComponentResource("tiny:index:Widget", "w1", {});',
      'exports.greeting = config.require("greeting");',
      'exports.tokenLength = config.requireSecret("token").apply((t) => t.length);',
      'exports.token = config.requireSecret("token");',
      "exports.hook = globalThis.__hook;",
      'if (process.env.TINY_THROW) throw new Error("tiny program failed on purpose");',
      "",
    ].join("\n"),
  });
  symlinkSync(NODE_MODULES, join(program, "node_modules"));
  const init = pulumi(["stack", "init", "dev", "--secrets-provider", "passphrase"], program);
  expect(init.status, init.all).toBe(0);
  expect(pulumi(["config", "set", "greeting", "hello"], program).status).toBe(0);
  expect(pulumi(["config", "set", "--secret", "token", "s3cret-value"], program).status).toBe(0);
}, 40 * 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("our Node.js language host under CLI 3.276", { timeout: 10 * 60_000 }, () => {
  const program = join(work, "program");

  it("runs the program with its config and secret, honours nodeargs, and returns its outputs", () => {
    const up = pulumi(["up", "--yes", "--skip-preview"], program);
    expect(up.status, up.all).toBe(0);
    const out = pulumi(["stack", "output", "--json", "--show-secrets"], program);
    expect(JSON.parse(out.stdout)).toEqual({
      greeting: "hello",
      token: "s3cret-value",
      tokenLength: 12,
      hook: "set by the nodeargs import",
    });
    // The secret stays a secret in the state.
    expect(pulumi(["stack", "output", "--json"], program).stdout).not.toContain("s3cret-value");
  });

  it("a program that throws fails the preview with its error, reported once", () => {
    const r = pulumi(["preview"], program, { TINY_THROW: "1" });
    expect(r.status).not.toBe(0);
    expect(r.all.match(/Error: tiny program failed on purpose/g) ?? []).toHaveLength(1);
    // Bail: no second, generic message from the host.
    expect(r.all).not.toContain("Program exited with non-zero exit code");
  });

  it("runs a policy pack (RunPlugin): a violation fails the preview, a pass lets it through", () => {
    const pack = join(work, "pack");
    write(pack, {
      "PulumiPolicy.yaml": "runtime:\n  name: nodejs\n  options:\n    typescript: false\n",
      "package.json": JSON.stringify({ name: "tiny-pack", version: "0.0.1", main: "index.js" }),
      "index.js": [
        'const { PolicyPack } = require("@pulumi/policy");',
        'new PolicyPack("tiny-pack", {',
        "  policies: [{",
        '    name: "no-widgets",',
        '    description: "Widgets are not allowed",',
        '    enforcementLevel: "mandatory",',
        "    validateResource: (args, reportViolation) => {",
        '      if (args.type === "tiny:index:Widget" && process.env.PACK_MODE !== "pass")',
        '        reportViolation("widget " + args.name + " is forbidden on stack " + process.env.PULUMI_NODEJS_STACK);',
        "    },",
        "  }],",
        "});",
        "",
      ].join("\n"),
    });
    symlinkSync(NODE_MODULES, join(pack, "node_modules"));
    const fail = pulumi(["preview", "--policy-pack", pack], program);
    expect(fail.status, fail.all).not.toBe(0);
    // The message comes from the pack, with the stack the host passed it.
    expect(fail.all).toContain("widget w1 is forbidden on stack dev");
    const pass = pulumi(["preview", "--policy-pack", pack], program, { PACK_MODE: "pass" });
    expect(pass.status, pass.all).toBe(0);
    expect(pass.all).toContain("tiny-pack");
    expect(pass.all).not.toContain("is forbidden");
  });

  it("serves this repository as a component package (RunPlugin): get-schema lists McpBackend", () => {
    // A copy of the checkout made of links, with its own dist/ and contract dist/ (package.json `main`
    // is dist/index.js, and the checkout's may be absent or mid-rebuild by another test).
    const pkg = join(work, "package");
    mkdirSync(join(pkg, "node_modules", "@mcp-stack"), { recursive: true });
    for (const name of readdirSync(REPO_ROOT)) {
      if (![".git", ".tools", "dist", "node_modules"].includes(name))
        symlinkSync(join(REPO_ROOT, name), join(pkg, name));
    }
    for (const name of readdirSync(NODE_MODULES)) {
      if (name !== "@mcp-stack") symlinkSync(join(NODE_MODULES, name), join(pkg, "node_modules", name));
    }
    const contract = join(work, "contract");
    mkdirSync(contract);
    symlinkSync(join(REPO_ROOT, "contract", "package.json"), join(contract, "package.json"));
    symlinkSync(contract, join(pkg, "node_modules", "@mcp-stack", "contract"));
    const tsc = join(NODE_MODULES, "typescript", "bin", "tsc");
    // Type errors (the contract's declarations are not in the checkout) do not stop the JavaScript.
    spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(contract, "dist")], {
      cwd: join(REPO_ROOT, "contract"),
    });
    spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(pkg, "dist")], {
      cwd: REPO_ROOT,
    });
    // The docker provider cannot be built here (engines/README.md), but the CLI installs every plugin
    // the package's node_modules names before starting it: a placeholder that is never started.
    const placeholder = join(work, "placeholder");
    writeFileSync(placeholder, "#!/bin/sh\necho placeholder >&2\nexit 1\n", { mode: 0o755 });
    const version = JSON.parse(
      spawnSync(process.execPath, ["-p", "JSON.stringify(require('@pulumi/docker/package.json'))"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      }).stdout,
    ).version as string;
    expect(
      pulumi(["plugin", "install", "resource", "docker", version, "--file", placeholder], work).status,
    ).toBe(0);

    // From outside the checkout: the CLI refuses a folder with both Pulumi.yaml and PulumiPlugin.yaml
    // as its working directory.
    const r = pulumi(["package", "get-schema", pkg], work);
    const schema = JSON.parse(r.stdout) as { name: string; resources: Record<string, unknown> };
    expect(schema.name).toBe("mcp-stack");
    expect(Object.keys(schema.resources)).toContain("mcp-stack:index:McpBackend");
    // The CLI then binds the schema, which refers to docker's types: only the placeholder may fail it.
    if (r.status !== 0) expect(r.stderr).toMatch(/resource-docker-v[\d.]+\/pulumi-resource-docker/);
  });
});

import { execFile, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pluginEntry from "../../index.js";
import { type EngineSession, explain, exportState, initStack, startSession } from "../deploy/harness.js";
import { analyzePackage } from "./component-schema.js";

/**
 * The package as another infra repo gets it, from a checkout without build output: dist/ and
 * contract/dist/ removed, then plain `npm pack` of the contract and the root package (their `prepack`
 * builds them), both tarballs linted by publint and @arethetypeswrong/cli, installed into a fresh
 * TypeScript project outside the repo with the peer dependencies it brings itself, the program of
 * docs/infra-usage.md type checked there by `tsc --strict` (node16 and bundler resolution) and run by
 * plain `node` (no loader, no `@mcp-stack/source` condition) under the Pulumi SDK's mocks. The installed
 * package is also loaded the way the Pulumi plugin host loads a component package. The install reuses
 * the npm cache (`--prefer-offline`). Last, the same installed project is a Pulumi project: the real CLI
 * (engines/) runs it with `pulumi preview` and `pulumi up` against a local control plane (issue 25).
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const MCP_STACK = `mcp-stack-${manifest.version}.tgz`;
const CONTRACT = `mcp-stack-contract-${manifest.version}.tgz`;

/** The ts block the doc marks as the consumer program: the test runs what the doc shows. */
function consumerProgram(doc = readFileSync(path.join(ROOT, "docs/infra-usage.md"), "utf8")): string {
  const m = /<!-- consumer-program:[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error("docs/infra-usage.md has no ```ts block after the consumer-program marker");
  return m[1]!;
}

/** The consumer's own compiler settings: strict, and the resolution modes the package must serve. */
const tsconfig = (compilerOptions: Record<string, unknown>, files: string[]) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      strict: true,
      types: ["node"],
      skipLibCheck: true,
      ...compilerOptions,
    },
    files,
  });

/** The attw resolution kinds (and, for problems inside a file, resolution options) that count. */
const ESM_RESOLUTION = new Set(["node16-esm", "bundler", "node16", "any"]);

/** A wrong Args: the declarations must reject it (the test would pass on `any` otherwise). */
const WRONG_PROGRAM = `import type { RedisArgs } from "mcp-stack/infra";
export const maxmemory: RedisArgs["maxmemory"] = 256;
`;

/**
 * Runs the program under mocks and prints what it registered once the event loop is empty (every
 * registration and Output resolved), plus where `mcp-stack/infra` resolved to.
 */
const HARNESS = `import * as pulumi from "@pulumi/pulumi";
const created = [];
await pulumi.runtime.setMocks(
  {
    newResource: (a) => {
      created.push({ type: a.type, name: a.name, inputs: a.inputs });
      return { id: a.name + "-id", state: a.inputs };
    },
    call: (a) => a.inputs,
  },
  "shop-infra",
  "test",
  false,
);
const program = await import("./build/index.js");
const outputs = {};
for (const [key, value] of Object.entries(program)) pulumi.output(value).apply((v) => (outputs[key] = v));
process.once("beforeExit", () => {
  const resolved = import.meta.resolve("mcp-stack/infra");
  process.stdout.write(JSON.stringify({ resolved, created, outputs }));
});
`;

/**
 * What the plugin host does with the package directory (@pulumi/pulumi cmd/run-plugin and
 * provider/experimental): require() it, collect the ComponentResource classes it exports, and infer
 * the schema with the analyzer (TypeScript over the directory's tsconfig.json and index.ts).
 */
const PLUGIN_PROBE = `const path = require("node:path");
const { getPulumiComponents } = require("@pulumi/pulumi/provider/experimental/provider.js");
const { Analyzer } = require("@pulumi/pulumi/provider/experimental/analyzer.js");
const { generateSchema } = require("@pulumi/pulumi/provider/experimental/schema.js");
const dir = path.resolve("node_modules/mcp-stack");
const pkg = require(path.join(dir, "package.json"));
const components = getPulumiComponents(require(dir)).map((c) => c.name).sort();
const r = new Analyzer(dir, "mcp-stack", pkg, new Set(components)).analyze();
const schema = generateSchema("mcp-stack", pkg.version, pkg.description, r.components, r.typeDefinitions, r.dependencies);
process.stdout.write(JSON.stringify({ components, schema }));
`;

interface Registered {
  type: string;
  name: string;
  inputs: {
    metadata?: { name?: string; namespace?: string };
    spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
  };
}
interface Packed {
  filename: string;
  files: { path: string }[];
}

let work: string;
let consumer: string;
const packed: Record<string, string[]> = {};
const lint: Record<string, string[]> = {};
const typeProblems: Record<string, unknown[]> = {};
let result: { resolved: string; created: Registered[]; outputs: Record<string, unknown> };
let plugin: { components: string[]; schema: unknown };
let wrongProgram: string;

/** Plain node: no loader, no export condition, nothing inherited from vitest's own NODE_OPTIONS. */
function plainEnv() {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

beforeAll(async () => {
  for (const dist of ["dist", "contract/dist"])
    rmSync(path.join(ROOT, dist), { recursive: true, force: true });
  work = mkdtempSync(path.join(tmpdir(), "mcp-stack-consumer-"));
  const packs = path.join(work, "packs");
  consumer = path.join(work, "shop-infra");
  mkdirSync(packs);
  mkdirSync(consumer);
  for (const workspace of [["-w", "contract"], []]) {
    const { stdout } = await run(
      "npm",
      ["pack", "--json", "--loglevel=error", "--pack-destination", packs, ...workspace],
      { cwd: ROOT, env: plainEnv() },
    );
    const [info] = JSON.parse(stdout) as Packed[];
    packed[info!.filename] = info!.files.map((f) => f.path).sort();
  }

  const { publint } = await import("publint");
  const { formatMessage } = await import("publint/utils");
  for (const tarball of [CONTRACT, MCP_STACK]) {
    const file = path.join(packs, tarball);
    const bytes = readFileSync(file);
    const { messages, pkg } = await publint({
      pack: { tarball: new Uint8Array(bytes).buffer },
      strict: true,
    });
    lint[tarball] = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    // attw exits before a piped stdout drains, so its JSON report goes to a file.
    const reportFile = path.join(work, `${tarball}.attw.json`);
    const out = openSync(reportFile, "w");
    spawnSync(
      path.join(ROOT, "node_modules/.bin/attw"),
      [file, "--profile", "esm-only", "--format", "json"],
      {
        cwd: work,
        stdio: ["ignore", out, "inherit"],
      },
    );
    closeSync(out);
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as {
      problems?: Record<string, { resolutionKind?: string; resolutionOption?: string }[]>;
    };
    // The report lists every resolution mode; the package is ESM only, so node10 and CommonJS importers
    // are out of scope (the esm-only profile), and the problems that count are node16-from-ESM and bundler.
    typeProblems[tarball] = Object.values(report.problems ?? {})
      .flat()
      .filter((p) => ESM_RESOLUTION.has(p.resolutionKind ?? p.resolutionOption ?? "any"));
  }

  const peers = Object.fromEntries(
    Object.keys(manifest.peerDependencies).map((name) => [
      name,
      manifest.devDependencies[name] ?? manifest.peerDependencies[name]!,
    ]),
  );
  writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({
      name: "shop-infra",
      private: true,
      type: "module",
      dependencies: {
        "@mcp-stack/contract": `file:../packs/${CONTRACT}`,
        "mcp-stack": `file:../packs/${MCP_STACK}`,
        ...peers,
      },
      devDependencies: {
        typescript: manifest.devDependencies.typescript,
        "@types/node": manifest.devDependencies["@types/node"],
      },
    }),
  );
  writeFileSync(path.join(consumer, "index.ts"), consumerProgram());
  writeFileSync(path.join(consumer, "wrong.ts"), WRONG_PROGRAM);
  writeFileSync(
    path.join(consumer, "tsconfig.json"),
    tsconfig({ module: "node16", moduleResolution: "node16", outDir: "build" }, ["index.ts"]),
  );
  writeFileSync(
    path.join(consumer, "tsconfig.bundler.json"),
    tsconfig({ module: "preserve", moduleResolution: "bundler", noEmit: true }, ["index.ts"]),
  );
  writeFileSync(
    path.join(consumer, "tsconfig.wrong.json"),
    tsconfig({ module: "node16", moduleResolution: "node16", noEmit: true }, ["wrong.ts"]),
  );
  writeFileSync(path.join(consumer, "run-under-mocks.mjs"), HARNESS);
  writeFileSync(path.join(consumer, "plugin-probe.cjs"), PLUGIN_PROBE);
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: consumer,
    env: plainEnv(),
  });
  const tsc = path.join(consumer, "node_modules/.bin/tsc");
  await run(tsc, ["-p", "tsconfig.json"], { cwd: consumer });
  await run(tsc, ["-p", "tsconfig.bundler.json"], { cwd: consumer });
  wrongProgram = await run(tsc, ["-p", "tsconfig.wrong.json"], { cwd: consumer }).then(
    () => "",
    (e: { stdout: string }) => e.stdout,
  );
  const opts = { cwd: consumer, env: plainEnv(), maxBuffer: 64 * 1024 * 1024 };
  result = JSON.parse((await run(process.execPath, ["run-under-mocks.mjs"], opts)).stdout);
  plugin = JSON.parse((await run(process.execPath, ["plugin-probe.cjs"], opts)).stdout);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const objects = (kind: string) =>
  result.created.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
const images = (kind: string, name: string) =>
  objects(kind)
    .find((r) => r.inputs.metadata?.name === name)
    ?.inputs.spec?.template?.spec?.containers?.map((c) => c.image);

describe("the packed package, installed into a fresh project", () => {
  it("builds on pack: both tarballs carry the JavaScript and declarations of every entry point", () => {
    for (const entry of ["index", "infra/index", "monitoring/index", "environments/index"]) {
      expect(packed[MCP_STACK]).toContain(`dist/${entry}.js`);
      expect(packed[MCP_STACK]).toContain(`dist/${entry}.d.ts`);
    }
    expect(packed[CONTRACT]).toContain("dist/index.js");
    expect(packed[CONTRACT]).toContain("dist/index.d.ts");
  });

  it("ships nothing a consumer does not need", () => {
    // Outside dist/: the manifests and docs, and for the plugin host's analyzer index.ts, the infra
    // sources (it reads `as const` enums from their initializers, which declarations drop) and tsconfig.json.
    expect(packed[MCP_STACK]!.filter((f) => !f.startsWith("dist/") && !f.startsWith("infra/"))).toEqual([
      "CHANGELOG.md",
      "PulumiPlugin.yaml",
      "README.md",
      "docs/infra-usage.md",
      "index.ts",
      "package.json",
      "tsconfig.json",
    ]);
    expect(packed[MCP_STACK]!.filter((f) => f.startsWith("infra/") && !f.endsWith(".ts"))).toEqual([]);
    expect(packed[MCP_STACK]!.filter((f) => f.startsWith("dist/") && !/\.(d\.ts|js)$/.test(f))).toEqual([]);
    expect(packed[CONTRACT]!.filter((f) => !f.startsWith("dist/"))).toEqual(["README.md", "package.json"]);
    expect(packed[CONTRACT]!.filter((f) => !/\.(d\.ts|js)$/.test(f) && f.startsWith("dist/"))).toEqual([]);
  });

  it("passes publint (strict) and @arethetypeswrong/cli (ESM: node16 and bundler)", () => {
    expect(lint).toEqual({ [CONTRACT]: [], [MCP_STACK]: [] });
    expect(typeProblems).toEqual({ [CONTRACT]: [], [MCP_STACK]: [] });
  });

  it("type checks the doc's program with tsc --strict, and rejects a wrong Args naming the property", () => {
    // beforeAll ran tsc on index.ts for node16 and bundler resolution: a failure there fails the file.
    expect(readFileSync(path.join(consumer, "build/index.js"), "utf8")).toContain('from "mcp-stack/infra"');
    expect(wrongProgram).toMatch(
      /wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
    );
  });

  it("resolves mcp-stack/infra to the built JavaScript under plain node", () => {
    expect(result.resolved).toMatch(/\/node_modules\/mcp-stack\/dist\/infra\/index\.js$/);
  });

  it("creates the components with the consumer's names", () => {
    const components = result.created.filter((r) => r.type.startsWith("mcp-stack:"));
    expect(components.map((c) => `${c.type} ${c.name}`).sort()).toEqual([
      "mcp-stack:index:McpBackend shop-assistant",
      "mcp-stack:index:PgvectorPostgres shop-db",
      "mcp-stack:index:Prometheus shop-prometheus",
      "mcp-stack:index:Redis shop-cache",
    ]);
  });

  it("puts every namespaced object into the consumer's namespace", () => {
    const cluster = new Set(["ClusterRole", "ClusterRoleBinding"]);
    const namespaces = new Set(
      result.created
        .filter((r) => r.type.startsWith("kubernetes:") && !cluster.has(r.type.split(":").at(-1)!))
        .map((r) => r.inputs.metadata?.namespace),
    );
    expect([...namespaces]).toEqual(["shop-ai"]);
  });

  it("runs the consumer's images under the consumer's names", () => {
    expect(images("Deployment", "shop-assistant")).toEqual(["registry.example.com/shop/assistant:2.3.0"]);
    expect(images("StatefulSet", "shop-postgres")).toEqual([
      "registry.example.com/mirror/pgvector:0.8.0-pg16",
    ]);
    expect(images("Deployment", "shop-postgres-exporter")).toEqual([
      "registry.example.com/mirror/postgres-exporter:v0.17.1",
    ]);
    expect(images("Deployment", "prometheus")).toEqual(["registry.example.com/mirror/prometheus:v3.5.0"]);
    const redis = [...objects("StatefulSet"), ...objects("Deployment")].find(
      (r) => r.inputs.metadata?.name === "shop-redis",
    );
    expect(redis?.inputs.spec?.template?.spec?.containers?.map((c) => c.image)).toContain(
      "registry.example.com/mirror/redis:7.4.2-alpine",
    );
  });

  it("exports the outputs the program declares", () => {
    expect(result.outputs).toEqual({
      appUrl: "http://shop-assistant.shop-ai.svc:80",
      databaseHost: "shop-postgres",
      prometheusUrl: "http://prometheus:9090",
    });
  });
});

describe("the installed package as a Pulumi component package", () => {
  it("serves the components index.ts exports, through plain require() of its directory", () => {
    expect(plugin.components).toEqual(
      getPulumiComponents(pluginEntry)
        .map((c) => c.name)
        .sort(),
    );
  });

  it("infers the same schema in the installed package as in the checkout", () => {
    const { schema } = analyzePackage(manifest as unknown as Record<string, unknown>, plugin.components);
    expect(plugin.schema).toEqual(schema);
  });
});

/**
 * The consumer's program as a Pulumi project of its own: compiled JavaScript on plain node (the consumer
 * has no loader), the default Kubernetes provider reaching the cluster through KUBECONFIG, as a user's
 * laptop or CI job would.
 */
const CONSUMER_PROJECT = "name: shop-infra\nruntime: nodejs\nmain: build/index.js\n";

describe("the installed package under the real CLI, against a local control plane", {
  timeout: 20 * 60_000,
}, () => {
  let session: EngineSession;
  const get = (kind: string, name: string) =>
    session.kubectl(["-n", "shop-ai", "get", kind, name, "-o", "name"]).trim();

  beforeAll(async () => {
    session = await startSession({
      label: "consumer",
      nodes: 3,
      project: () => consumer,
      ambientKubeconfig: true,
    });
    writeFileSync(path.join(consumer, "Pulumi.yaml"), CONSUMER_PROJECT);
    // What the doc's program takes as given: its namespace and the database password's Secret.
    session.kubectl(["create", "namespace", "shop-ai"]);
    session.kubectl([
      "-n",
      "shop-ai",
      "create",
      "secret",
      "generic",
      "shop-db",
      "--from-literal=password=not-used",
    ]);
    await initStack(session, "shop");
  }, 20 * 60_000);

  afterAll(async () => {
    await session?.dispose();
  }, 5 * 60_000);

  it("pulumi preview plans the four components with their Kubernetes objects", async () => {
    const run = await session.pulumi(["preview"]);
    expect(run.code, explain(run)).toBe(0);
    for (const s of [
      "mcp-stack:index:McpBackend",
      "mcp-stack:index:PgvectorPostgres",
      "mcp-stack:index:Redis",
      "mcp-stack:index:Prometheus",
      "kubernetes:apps/v1:Deployment",
      "kubernetes:apps/v1:StatefulSet",
    ])
      expect(run.stdout).toContain(s);
  });

  it("pulumi up creates them; the API server holds what the state says, outputs as under the mocks", async () => {
    const run = await session.pulumi(["up", "--yes", "--skip-preview"]);
    expect(run.code, explain(run)).toBe(0);
    const outputs = await session.pulumi(["stack", "output", "--json"]);
    // The same outputs the mocks gave: the real engine resolves them the same way.
    expect(JSON.parse(outputs.stdout)).toEqual(result.outputs);
    expect(get("deployment", "shop-assistant")).toBe("deployment.apps/shop-assistant");
    expect(get("statefulset", "shop-postgres")).toBe("statefulset.apps/shop-postgres");
    expect(get("deployment", "shop-postgres-exporter")).toBe("deployment.apps/shop-postgres-exporter");
    const image = session.kubectl([
      "-n",
      "shop-ai",
      "get",
      "deployment",
      "shop-assistant",
      "-o",
      "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    expect(image).toBe("registry.example.com/shop/assistant:2.3.0");
    // Every Kubernetes object the state records exists in the cluster, in the consumer's namespace.
    const { resources } = await exportState(session);
    const objects = resources.filter(
      (r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes" && r.id,
    );
    expect(objects.length).toBe(result.created.filter((r) => r.type.startsWith("kubernetes:")).length);
    for (const r of objects) {
      const [namespace, name] = r.id!.includes("/") ? r.id!.split("/") : [undefined, r.id!];
      const kind = r.type.split(":").at(-1)!;
      const args = namespace ? ["-n", namespace] : [];
      expect(session.kubectl([...args, "get", kind, name!, "-o", "name"]).trim()).not.toBe("");
    }
  });

  it("a second pulumi up changes nothing", async () => {
    const run = await session.pulumi(["preview", "--expect-no-changes"]);
    expect(run.code, explain(run)).toBe(0);
  });
});

import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The package as another infra repo gets it: `npm run build`, `npm pack` of the contract and the root
 * package, both tarballs installed into a fresh project outside the repo, and the program of
 * docs/infra-usage.md run there by plain `node` (no tsx, no TypeScript loader, no `@mcp-stack/source`
 * condition) under the Pulumi SDK's mocks. The install reuses the npm cache (`--prefer-offline`).
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** The js block the doc marks as the consumer program: the test runs what the doc shows. */
function consumerProgram(doc = readFileSync(path.join(ROOT, "docs/infra-usage.md"), "utf8")): string {
  const m = /<!-- consumer-program:[^>]*-->\s*```js\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error("docs/infra-usage.md has no ```js block after the consumer-program marker");
  return m[1]!;
}

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
const program = await import("./index.mjs");
const outputs = {};
for (const [key, value] of Object.entries(program)) pulumi.output(value).apply((v) => (outputs[key] = v));
process.once("beforeExit", () => {
  const resolved = import.meta.resolve("mcp-stack/infra");
  process.stdout.write(JSON.stringify({ resolved, created, outputs }));
});
`;

interface Registered {
  type: string;
  name: string;
  inputs: {
    metadata?: { name?: string; namespace?: string };
    spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
  };
}

let work: string;
let packed: string[] = [];
let result: { resolved: string; created: Registered[]; outputs: Record<string, unknown> };

beforeAll(async () => {
  await run("npm", ["run", "-s", "build"], { cwd: ROOT });
  work = mkdtempSync(path.join(tmpdir(), "mcp-stack-consumer-"));
  const packs = path.join(work, "packs");
  const consumer = path.join(work, "shop-infra");
  mkdirSync(packs);
  mkdirSync(consumer);
  for (const workspace of [["-w", "contract"], []]) {
    const { stdout } = await run(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", packs, ...workspace],
      { cwd: ROOT },
    );
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    packed = [...packed, ...info!.files.map((f) => `${info!.filename}:${f.path}`)];
  }
  writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({
      name: "shop-infra",
      private: true,
      type: "module",
      dependencies: {
        "@mcp-stack/contract": "file:../packs/mcp-stack-contract-1.0.0.tgz",
        "mcp-stack": "file:../packs/mcp-stack-1.0.0.tgz",
      },
    }),
  );
  writeFileSync(path.join(consumer, "index.mjs"), consumerProgram());
  writeFileSync(path.join(consumer, "run-under-mocks.mjs"), HARNESS);
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: consumer,
  });
  // Plain node: no loader, no export condition, nothing inherited from vitest's own NODE_OPTIONS.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout } = await run(process.execPath, ["run-under-mocks.mjs"], {
    cwd: consumer,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  result = JSON.parse(stdout);
}, 180_000);

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
  it("ships JavaScript and declarations only: no TypeScript sources, no tests", () => {
    const sources = packed.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
    expect(sources).toEqual([]);
    expect(packed).toContain("mcp-stack-1.0.0.tgz:dist/infra/index.js");
    expect(packed).toContain("mcp-stack-1.0.0.tgz:dist/infra/index.d.ts");
    expect(packed).toContain("mcp-stack-contract-1.0.0.tgz:dist/index.js");
    expect(packed.filter((f) => f.includes(":test/") || f.includes(":stacks/"))).toEqual([]);
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

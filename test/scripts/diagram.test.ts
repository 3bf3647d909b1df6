import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../environments/index.js";
import { allowed, podTemplates } from "../../policy/rules/index.js";
import { buildGraph } from "../../scripts/diagram/graph.js";
import { DIAGRAM_FILE, diagramSvg, staleDiagram } from "../../scripts/diagram/index.js";
import { renderObjects } from "../../stacks/kubernetes/render.js";

const RENDERED = join(import.meta.dirname, "..", "..", "rendered");

describe.each(ENVIRONMENT_NAMES)("the %s diagram", (env) => {
  it("matches the committed rendered/<env>/diagram.svg (run `npm run render` after changing the stack)", async () => {
    const fresh = await diagramSvg(env, await renderObjects(env));
    expect(staleDiagram(RENDERED, env, fresh)).toEqual([]);
  });

  it("has a node per workload and Service, and a flow edge exactly where the policies allow one", async () => {
    const objects = await renderObjects(env);
    const graph = buildGraph(objects);
    const ids = graph.nodes.map((n) => n.id);
    for (const pod of podTemplates(objects)) expect(ids).toContain(pod.workload);
    for (const svc of objects.filter((o) => o.kind === "Service"))
      expect(ids).toContain(`service/${svc.metadata.name}`);
    const pods = podTemplates(objects);
    for (const src of pods)
      for (const dst of pods)
        for (const port of dst.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))) {
          const drawn = graph.edges.some(
            (e) =>
              e.kind === "flow" &&
              e.from === src.workload &&
              e.to === dst.workload &&
              e.label === String(port),
          );
          expect(drawn, `${src.workload} → ${dst.workload}:${port}`).toBe(
            allowed(objects, src.labels, dst.labels, port),
          );
        }
    const svg = readFileSync(join(RENDERED, env, DIAGRAM_FILE), "utf8");
    for (const n of graph.nodes)
      expect(svg).toContain(
        `>${n.lines[0]!.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}<`,
      );
  });
});

describe("the prod diagram", () => {
  it("draws CloudNativePG's Cluster and Poolers, the app's path through the Pooler, and the LoadBalancer", async () => {
    const graph = buildGraph(await renderObjects("prod"));
    const ids = graph.nodes.map((n) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "cluster/postgres",
        "pooler/postgres-pooler",
        "pooler/postgres-pooler-ro",
        "external/clients",
      ]),
    );
    const flow = (from: string, to: string, port: string) =>
      graph.edges.some((e) => e.kind === "flow" && e.from === from && e.to === to && e.label === port);
    expect(flow("deployment/mcp-backend", "pooler/postgres-pooler", "5432")).toBe(true);
    expect(flow("deployment/mcp-backend", "cluster/postgres", "5432")).toBe(false);
    expect(flow("pooler/postgres-pooler", "cluster/postgres", "5432")).toBe(true);
    expect(graph.edges).toContainEqual(
      expect.objectContaining({ kind: "exposes", from: "external/clients", to: "service/mcp-backend" }),
    );
  });
});

describe("diagram staleness", () => {
  it("reports a missing and a changed diagram", async () => {
    const dir = mkdtempSync(join(tmpdir(), "diagram-"));
    try {
      const fresh = await diagramSvg("dev", await renderObjects("dev"));
      expect(staleDiagram(dir, "dev", fresh)).toEqual(["dev/diagram.svg is missing"]);
      mkdirSync(join(dir, "dev"));
      writeFileSync(
        join(dir, "dev", DIAGRAM_FILE),
        fresh.replace("deployment/mcp-backend", "deployment/other"),
      );
      expect(staleDiagram(dir, "dev", fresh)).toEqual(["dev/diagram.svg differs (run `npm run render`)"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

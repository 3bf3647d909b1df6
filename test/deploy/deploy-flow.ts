import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { REPO_ROOT } from "../../scripts/engines/build.js";
import { type Deployment, explain, exportState, managedObjects, type Run, uniqueSecret } from "./harness.js";

/**
 * The steps of docs/deploy.md that every stack shares, as the real CLI runs them. Each returns what
 * the test asserts on; nothing here stands in for an engine.
 */

/** The `pulumi config set --secret mcp-stack:<key>` lines a committed stack file documents. */
export function documentedSecretKeys(stack: string): string[] {
  const text = readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
  const keys = [...text.matchAll(/pulumi config set --secret mcp-stack:(\w+) /g)].map((m) => m[1]!);
  // kubeconfig and the registry password are ways to reach things, set on their own below.
  return [...new Set(keys)].filter((k) => k !== "kubeconfig" && k !== "registryPassword");
}

/** A pinned image reference (the policy pack wants a digest); KWOK never pulls it. */
export function imageRef(tag: string): string {
  return `registry.local/mcp-backend@sha256:${Buffer.from(tag.padEnd(32, "0")).toString("hex").slice(0, 64)}`;
}

/** Configure a stack the way docs/deploy.md says: the cluster, the image and every documented secret. */
export async function configureAsDocumented(d: Deployment): Promise<void> {
  await d.set("kubeconfig", readFileSync(d.cluster.kubeconfig, "utf8"), { secret: true });
  await d.set("image", imageRef("v1"));
  for (const key of documentedSecretKeys(d.stack)) {
    const value = key === "apiKeys" ? `${uniqueSecret("key")}:acme` : uniqueSecret(key);
    await d.set(key, value, { secret: true });
  }
}

/** What docs/deploy.md adds for prod on top of the shared steps (operators already installed). */
export async function configureProdAsDocumented(d: Deployment): Promise<void> {
  await configureAsDocumented(d);
  await d.set("operators", "existing");
  await d.set("backups.objectStore.destinationPath", "s3://acme-backups/mcp-production", { path: true });
  await d.set("jaeger.collector.exportEndpoint", "tempo-distributor.tracing.svc:4317", { path: true });
}

/** The steps of `pulumi preview --json`: the operation Pulumi plans for each resource. */
export interface PlannedStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: readonly string[];
  readonly replaceReasons?: readonly string[];
}

export async function previewSteps(d: Deployment, extra: readonly string[] = []): Promise<PlannedStep[]> {
  const run = await d.pulumi(["preview", "--json", ...extra]);
  expect(run.code, explain(run)).toBe(0);
  const parsed = JSON.parse(run.stdout) as { steps?: PlannedStep[] };
  return parsed.steps ?? [];
}

export const changed = (steps: readonly PlannedStep[]) =>
  steps.filter((s) => s.op !== "same" && s.op !== "read");
export const urnName = (urn: string) => urn.split("::").at(-1)!;
export const urnType = (urn: string) => urn.split("::").at(-2)!.split("$").at(-1)!;

/** Every object the stack's state manages is in the API server, and the other way round within its namespaces. */
export async function assertStateMatchesCluster(d: Deployment): Promise<Set<string>> {
  const { resources } = await exportState(d);
  const managed = managedObjects(resources);
  expect(managed.size).toBeGreaterThan(10);
  const missing: string[] = [];
  for (const key of managed) {
    const [kind, ns, name] = key.split("/");
    const args = ["get", kind!, name!, "--ignore-not-found", "-o", "name"];
    if (ns) args.push("-n", ns);
    if (!d.kubectl(args).trim()) missing.push(key);
  }
  expect(missing, "objects in the state but not in the API server").toEqual([]);
  return managed;
}

/** Deployments Available and StatefulSets with every replica ready: KWOK's pods went through the real controllers. */
export function assertWorkloadsReady(d: Deployment, namespace: string): void {
  const deployments = JSON.parse(d.kubectl(["get", "deployments", "-n", namespace, "-o", "json"])) as {
    items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[];
  };
  expect(deployments.items.length).toBeGreaterThan(0);
  for (const item of deployments.items) {
    const available = item.status.conditions?.find((c) => c.type === "Available")?.status;
    expect(available, `Deployment ${item.metadata.name} Available`).toBe("True");
  }
  const sets = JSON.parse(d.kubectl(["get", "statefulsets", "-n", namespace, "-o", "json"])) as {
    items: { metadata: { name: string }; spec: { replicas: number }; status: { readyReplicas?: number } }[];
  };
  for (const item of sets.items) {
    expect(item.status.readyReplicas ?? 0, `StatefulSet ${item.metadata.name} ready replicas`).toBe(
      item.spec.replicas,
    );
  }
}

/**
 * No value set with `--secret` appears in plain text in the state, in anything the CLI printed, or in
 * any object the API server holds outside a Secret.
 */
export async function assertSecretsStayed(d: Deployment): Promise<void> {
  const { raw } = await exportState(d);
  const printed = d.transcript.map((r: Run) => `${r.stdout}\n${r.stderr}`).join("\n");
  const kinds = d
    .kubectl(["api-resources", "--verbs=list", "-o", "name"])
    .split("\n")
    .filter((k) => k && k !== "secrets" && !k.startsWith("events"));
  const objects = d.kubectl(["get", kinds.join(","), "-A", "-o", "json"]);
  expect(d.secrets.size).toBeGreaterThan(3);
  for (const [key, value] of d.secrets) {
    // A kubeconfig is scanned by its private key, the part that matters.
    const needle = key === "kubeconfig" ? (value.match(/client-key-data: (\S+)/)?.[1] ?? value) : value;
    expect(raw.includes(needle), `${key} in plain text in pulumi stack export`).toBe(false);
    expect(printed.includes(needle), `${key} in the CLI's output`).toBe(false);
    expect(objects.includes(needle), `${key} in a non-Secret object of the API server`).toBe(false);
  }
}

import type { Deployment } from "../harness.js";
import { exportState, managedObjects } from "../harness.js";

/**
 * What the API server holds, object by object, and how a run after a fault compares with a clean one.
 * Objects are keyed kind/namespace/name, as `managedObjects` keys the state.
 */

export interface ObjectFacts {
  readonly uid: string;
  readonly resourceVersion: string;
  readonly generation?: number;
}
export type Inventory = ReadonlyMap<string, ObjectFacts>;

/**
 * Left out: what churns on its own (events, leases), the ClusterIP allocations, and every object a controller made for another
 * (it carries an ownerReference: ReplicaSets, Pods, ControllerRevisions, EndpointSlices); an orphan the
 * stack made has no owner, so it is always counted.
 */
const CHURN = new Set([
  "events",
  "events.events.k8s.io",
  "leases.coordination.k8s.io",
  // One per Service ClusterIP, named after the address the API server drew at random: the Service
  // itself is counted, its address cannot match between two clusters.
  "ipaddresses.networking.k8s.io",
]);

interface Item {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    ownerReferences?: unknown[];
  };
}

export function inventory(d: Deployment): Inventory {
  const resources = d
    .kubectl(["api-resources", "--verbs=list", "-o", "name"])
    .split("\n")
    .filter((r) => r && !CHURN.has(r) && r !== "componentstatuses");
  const { items } = JSON.parse(d.kubectl(["get", resources.join(","), "-A", "-o", "json"])) as {
    items: Item[];
  };
  const out = new Map<string, ObjectFacts>();
  for (const { kind, metadata: m } of items) {
    if (m.ownerReferences?.length) continue;
    out.set(`${kind}/${m.namespace ?? ""}/${m.name}`, {
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      ...(m.generation === undefined ? {} : { generation: m.generation }),
    });
  }
  return out;
}

/** The API server's objects and the state's view of them, at one moment. */
export interface Snapshot {
  readonly objects: Inventory;
  readonly managed: ReadonlySet<string>;
  readonly urns: readonly string[];
  readonly pending: number;
}

export async function snapshot(d: Deployment): Promise<Snapshot> {
  const { raw, resources } = await exportState(d);
  const pending =
    (JSON.parse(raw) as { deployment: { pending_operations?: unknown[] } }).deployment.pending_operations
      ?.length ?? 0;
  return {
    objects: inventory(d),
    managed: managedObjects(resources),
    urns: resources.map((r) => r.urn),
    pending,
  };
}

/** Pulumi's auto-naming appends "-" and 7 random hex digits; two of them for one name are a duplicate. */
const AUTONAME = /-[0-9a-f]{7}$/;

function duplicateKeys(keys: Iterable<string>): string[] {
  const byBase = new Map<string, string[]>();
  for (const key of keys) {
    const base = key.replace(AUTONAME, "");
    byBase.set(base, [...(byBase.get(base) ?? []), key]);
  }
  return [...byBase.values()].filter((ks) => ks.length > 1).flat();
}

export interface Verdict {
  readonly converged: boolean;
  /** In the API server after the fault but not after a clean run, or unknown to the state beyond what Kubernetes makes itself. */
  readonly orphans: readonly string[];
  /** After a clean run but not after the fault. */
  readonly missing: readonly string[];
  /** Two state entries for one URN or one object, or two auto-named objects for one name. */
  readonly duplicates: readonly string[];
  /** Managed by the clean run's state but not by this one, or the other way round. */
  readonly stateDiffers: readonly string[];
  readonly pending: number;
}

export function compare(clean: Snapshot, final: Snapshot): Verdict {
  const madeByKubernetes = new Set([...clean.objects.keys()].filter((k) => !clean.managed.has(k)));
  const orphans = [...final.objects.keys()].filter(
    (k) => !clean.objects.has(k) || (!final.managed.has(k) && !madeByKubernetes.has(k)),
  );
  const missing = [...clean.objects.keys()].filter((k) => !final.objects.has(k));
  const cleanDuplicates = new Set(duplicateKeys(clean.objects.keys()));
  const urnCounts = new Map<string, number>();
  for (const urn of final.urns) urnCounts.set(urn, (urnCounts.get(urn) ?? 0) + 1);
  const duplicates = [
    ...[...urnCounts].filter(([, n]) => n > 1).map(([urn]) => urn),
    ...duplicateKeys(final.objects.keys()).filter((k) => !cleanDuplicates.has(k)),
  ];
  const stateDiffers = [
    ...[...clean.managed].filter((k) => !final.managed.has(k)).map((k) => `not in the state: ${k}`),
    ...[...final.managed].filter((k) => !clean.managed.has(k)).map((k) => `only in this state: ${k}`),
  ];
  return {
    converged:
      orphans.length === 0 &&
      missing.length === 0 &&
      duplicates.length === 0 &&
      stateDiffers.length === 0 &&
      final.pending === 0,
    orphans,
    missing,
    duplicates,
    stateDiffers,
    pending: final.pending,
  };
}

/** The kinds that hold data: their volumes, the StatefulSets that claim them, CloudNativePG's Cluster. */
export const DATA_KINDS = ["PersistentVolumeClaim", "StatefulSet", "Cluster"] as const;

const isData = (key: string) => DATA_KINDS.some((k) => key.startsWith(`${k}/`));

/**
 * Data objects that existed `before` and were deleted or re-created since (another uid), or whose spec
 * changed (another generation). Objects created later are not "touched".
 */
export function dataTouched(before: Inventory, after: Inventory): string[] {
  const touched: string[] = [];
  for (const [key, facts] of before) {
    if (!isData(key)) continue;
    const now = after.get(key);
    if (!now) touched.push(`${key} deleted`);
    else if (now.uid !== facts.uid) touched.push(`${key} re-created`);
    else if (now.generation !== facts.generation) touched.push(`${key} spec changed`);
  }
  return touched;
}

/**
 * Objects of `before` that a failed run changed: deleted, re-created, a new spec (generation), or for
 * kinds without a generation (ConfigMaps, Secrets, Services' endpoints) a new resourceVersion.
 */
export function changedSince(before: Inventory, after: Inventory, keys: Iterable<string>): string[] {
  const changed: string[] = [];
  for (const key of keys) {
    const was = before.get(key);
    const now = after.get(key);
    if (!was) continue;
    if (!now) changed.push(`${key} deleted`);
    else if (now.uid !== was.uid) changed.push(`${key} re-created`);
    else if (
      was.generation !== undefined
        ? now.generation !== was.generation
        : now.resourceVersion !== was.resourceVersion
    )
      changed.push(`${key} changed`);
  }
  return changed;
}

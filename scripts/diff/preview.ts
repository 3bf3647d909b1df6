import { forceNewPaths, STATEFUL_KINDS, triggersReplace } from "./replace-rules.js";

/**
 * What `pulumi preview --diff` would show for the Kubernetes objects of one environment, computed
 * offline from two renders. Resources are matched as Pulumi matches them, by type token and logical
 * name (the URN), so a changed `metadata.name` under the same logical name is a replacement.
 */

/** One resource of a render: what Pulumi registers, with its Kubernetes object (secrets masked). */
export interface SnapshotResource {
  /** Pulumi type token, e.g. kubernetes:apps/v1:Deployment. */
  readonly type: string;
  /** Pulumi logical name (the URN's last part). */
  readonly name: string;
  /** `protect` as the program sets it. */
  readonly protect: boolean;
  /** The resource's inputs: a Kubernetes object, or a Helm release's settings. */
  readonly object: Record<string, unknown>;
}

export type Operation = "create" | "update" | "replace" | "delete";

/** One changed field: its path and old and new values (undefined = absent). */
export interface FieldChange {
  readonly path: string;
  readonly old: unknown;
  readonly new: unknown;
  /** The force-new path it falls under, when it makes the provider replace. */
  readonly replaces?: string;
}

export interface ResourceChange {
  readonly op: Operation;
  readonly type: string;
  readonly name: string;
  /** kind/name in the cluster, as a reviewer knows it. */
  readonly object: string;
  readonly kind: string;
  readonly changes: readonly FieldChange[];
  readonly protect: boolean;
}

export interface Preview {
  readonly changes: readonly ResourceChange[];
  readonly unchanged: number;
}

const SECRET_MASK = "[secret]";

/** Pulumi shows a Secret's values as [secret]; so does this, whatever the render masked them with. */
function maskValue(kind: string, path: string, value: unknown): unknown {
  if (value === undefined) return value;
  if (kind === "Secret" && /^(data|stringData)(\.|\[|$)/.test(path)) return maskDeep(value);
  return value;
}

function maskDeep(value: unknown): unknown {
  if (value === null || typeof value !== "object") return SECRET_MASK;
  if (Array.isArray(value)) return value.map(maskDeep);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function keyPath(prefix: string, key: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key);
  if (plain) return prefix ? `${prefix}.${key}` : key;
  return `${prefix}[${JSON.stringify(key)}]`;
}

/** Leaf-level differences between two values, as Pulumi's detailed diff lists them. */
export function fieldChanges(
  old: unknown,
  next: unknown,
  prefix = "",
): { path: string; old: unknown; new: unknown }[] {
  if (isRecord(old) && isRecord(next)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
    return keys.flatMap((k) => fieldChanges(old[k], next[k], keyPath(prefix, k)));
  }
  if (Array.isArray(old) && Array.isArray(next)) {
    const out: { path: string; old: unknown; new: unknown }[] = [];
    for (let i = 0; i < Math.max(old.length, next.length); i++)
      out.push(...fieldChanges(old[i], next[i], `${prefix}[${i}]`));
    return out;
  }
  if (JSON.stringify(old) === JSON.stringify(next)) return [];
  return [{ path: prefix, old, new: next }];
}

function objectName(r: SnapshotResource): { kind: string; object: string; apiVersion: string } {
  const o = r.object as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
  if (o.kind && o.metadata?.name)
    return { kind: o.kind, object: `${o.kind}/${o.metadata.name}`, apiVersion: o.apiVersion ?? "" };
  // A Helm release: its inputs carry a release name, not metadata.
  const release = String((r.object as { name?: unknown }).name ?? r.name);
  return { kind: "HelmRelease", object: `HelmRelease/${release}`, apiVersion: "" };
}

/** Compare two renders of one environment: before (base) and after (head). */
export function preview(before: readonly SnapshotResource[], after: readonly SnapshotResource[]): Preview {
  const key = (r: SnapshotResource) => `${r.type}::${r.name}`;
  const olds = new Map(before.map((r) => [key(r), r]));
  const news = new Map(after.map((r) => [key(r), r]));
  const changes: ResourceChange[] = [];
  let unchanged = 0;
  for (const [k, n] of news) {
    const o = olds.get(k);
    const id = objectName(n);
    if (!o) {
      changes.push({ op: "create", type: n.type, name: n.name, ...id, changes: [], protect: n.protect });
      continue;
    }
    const forceNew =
      id.kind === "HelmRelease"
        ? ["name", "namespace"].map((p) => `.${p}`)
        : forceNewPaths(id.apiVersion, id.kind);
    const fields = fieldChanges(o.object, n.object).map((c) => {
      const replaces = triggersReplace(c.path, forceNew);
      return {
        path: c.path,
        old: maskValue(id.kind, c.path, c.old),
        new: maskValue(id.kind, c.path, c.new),
        ...(replaces ? { replaces } : {}),
      };
    });
    if (fields.length === 0) {
      unchanged++;
      continue;
    }
    const op = fields.some((f) => f.replaces) ? "replace" : "update";
    changes.push({ op, type: n.type, name: n.name, ...id, changes: fields, protect: o.protect });
  }
  for (const [k, o] of olds)
    if (!news.has(k))
      changes.push({
        op: "delete",
        type: o.type,
        name: o.name,
        ...objectName(o),
        changes: [],
        protect: o.protect,
      });
  const order: Record<Operation, number> = { create: 0, update: 1, replace: 2, delete: 3 };
  changes.sort((a, b) => order[a.op] - order[b.op] || a.object.localeCompare(b.object));
  return { changes, unchanged };
}

const SYMBOL: Record<Operation, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

/** Pulumi's one-line summary: `+ 2 to create, ~ 3 to update, +- 1 to replace, - 1 to delete, 60 unchanged`. */
export function summaryLine(p: Preview): string {
  const count = (op: Operation) => p.changes.filter((c) => c.op === op).length;
  const parts = (["create", "update", "replace", "delete"] as const)
    .filter((op) => count(op) > 0)
    .map((op) => `${SYMBOL[op]} ${count(op)} to ${op}`);
  parts.push(`${p.unchanged} unchanged`);
  return parts.join(", ");
}

function show(v: unknown): string {
  if (v === undefined) return "(none)";
  const text = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A loud line for each replaced or deleted stateful object, and for protected ones Pulumi will refuse. */
export function warnings(p: Preview): string[] {
  const out: string[] = [];
  for (const c of p.changes) {
    if (c.op !== "replace" && c.op !== "delete") continue;
    if (STATEFUL_KINDS.has(c.kind))
      out.push(
        `!!! ${c.op.toUpperCase()} OF STATEFUL ${c.object}: ${c.op === "replace" ? "it is deleted and re-created" : "it is deleted"}; its data may go with it`,
      );
    if (c.protect)
      out.push(
        `!!! ${c.object} is protected: pulumi up stops at this ${c.op} until \`pulumi state unprotect\``,
      );
  }
  return out;
}

/** The preview as text, in `pulumi preview --diff`'s shape. */
export function formatPreview(p: Preview, heading: string): string {
  const lines = [heading, ""];
  for (const c of p.changes) {
    const replaced = c.changes.filter((f) => f.replaces).map((f) => f.replaces as string);
    const why = replaced.length ? ` [replace: ${[...new Set(replaced)].join(", ")}]` : "";
    lines.push(`${SYMBOL[c.op].padStart(2)} ${c.type} ${c.name} (${c.object}) ${c.op}${why}`);
    for (const f of c.changes) {
      const mark = f.old === undefined ? "+" : f.new === undefined ? "-" : "~";
      const value =
        mark === "+" ? show(f.new) : mark === "-" ? show(f.old) : `${show(f.old)} → ${show(f.new)}`;
      lines.push(`      ${mark} ${f.path}: ${value}${f.replaces ? "  (forces replacement)" : ""}`);
    }
  }
  const warn = warnings(p);
  if (warn.length) lines.push("", ...warn);
  lines.push("", `Resources: ${summaryLine(p)}`);
  return lines.join("\n");
}

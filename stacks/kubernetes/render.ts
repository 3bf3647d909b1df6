import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE_TRACING_BACKEND, IMAGE_NAME } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { ENVIRONMENT_NAMES, type EnvironmentName, SECRET_KEYS } from "../../environments/index.js";
import { IMAGE_CONFIG_KEYS } from "../image.js";
import { componentChain, type RegisteredResource, type Registration, runUnderMocks } from "../mock-run.js";
import { CLUSTER_CONFIG_KEYS } from "./cluster.js";

/**
 * Rendering for review: run the same program `pulumi up` runs, under Pulumi's mocks, and turn every
 * Kubernetes resource it registers into a YAML file. Used by `npm run render` and the staleness test.
 */

/** A Kubernetes object as rendered: the resource's resolved inputs. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * The image rendered manifests show: a name that can never be pulled (`.invalid` is reserved), so a
 * rendered file applied by hand fails loudly instead of running something unintended.
 */
export const EXAMPLE_IMAGE = `registry.example.invalid/render-only/${IMAGE_NAME}:0.0.0-example`;

/** The object store rendered CloudNativePG backups show (the `.example` TLD never resolves). */
export const EXAMPLE_BACKUP_BUCKET = "s3://backups.example/render-only";

/** The cluster context rendering names (the provider is never contacted under mocks). */
export const EXAMPLE_CONTEXT = "render-only";

/**
 * Config every render and test run needs to get past the checks on what has no default: the cluster,
 * the image, prod's tracing backend.
 */
export const REVIEW_CONFIG: Readonly<Record<string, unknown>> = {
  [CLUSTER_CONFIG_KEYS.context]: EXAMPLE_CONTEXT,
  [IMAGE_CONFIG_KEYS.image]: EXAMPLE_IMAGE,
  jaeger: { collector: { exportEndpoint: EXAMPLE_TRACING_BACKEND } },
  backups: { objectStore: { destinationPath: EXAMPLE_BACKUP_BUCKET } },
};

/** Stack config each environment is rendered with: dev is Docker by default, rendered for Kubernetes. */
export const RENDER_CONFIG: Readonly<Record<EnvironmentName, Record<string, unknown>>> = {
  dev: { ...REVIEW_CONFIG, target: "kubernetes" },
  staging: REVIEW_CONFIG,
  prod: REVIEW_CONFIG,
};

/**
 * Placeholder secret values: plain word characters, so URL encoding and quoting leave them intact and
 * they can be found again anywhere in the output.
 */
export function placeholderSecrets(): Record<string, string> {
  return Object.fromEntries(Object.keys(SECRET_KEYS).map((k) => [k, `RENDERSECRET${k}XX`]));
}

const SECRET_TOKEN = /RENDERSECRET([A-Za-z0-9]+?)XX/g;

/** The Pulumi SDK's marker of a secret value in serialised inputs: `{ [SIG]: SECRET_SIG, value }`. */
const SIG = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

/** Inputs with Pulumi's secret wrappers replaced by their values (undefined fields dropped). */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const rec = value as Record<string, unknown>;
  if (rec[SIG] === SECRET_SIG) return unwrapSecrets(rec.value);
  return Object.fromEntries(
    Object.entries(rec)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, unwrapSecrets(v)]),
  );
}

/** The Pulumi type of a Helm release: not an object in the cluster, but the chart that makes them. */
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** Kubernetes resources of a mock run as plain objects (Pulumi type token "kubernetes:…"). */
export function kubernetesObjects(resources: readonly RegisteredResource[]): RenderedObject[] {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE)
    .map((r) => unwrapSecrets(r.inputs) as RenderedObject);
}

/** Helm releases of a mock run, as reviewed: chart, pinned version, repository, namespace, values. */
export function helmReleases(resources: readonly RegisteredResource[]): Record<string, unknown>[] {
  return resources
    .filter((r) => r.type === HELM_RELEASE)
    .map((r) => unwrapSecrets(r.inputs) as Record<string, unknown>);
}

/** File name of an object: `<kind>-<name>.yaml`, e.g. deployment-mcp-backend.yaml. */
export function fileName(obj: RenderedObject): string {
  return `${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/**
 * Replace placeholder secrets in Secrets with `<secret:key>` and fail on a placeholder anywhere else:
 * a secret value in a ConfigMap, Deployment or any other object is a leak.
 */
export function maskSecrets(obj: RenderedObject): RenderedObject {
  const text = JSON.stringify(obj);
  const found = [...text.matchAll(SECRET_TOKEN)].map((m) => m[1]);
  if (found.length === 0) return obj;
  if (obj.kind !== "Secret")
    throw new Error(
      `secret value(s) ${[...new Set(found)].join(", ")} leaked into ${obj.kind} ${obj.metadata.name}`,
    );
  return JSON.parse(text.replace(SECRET_TOKEN, (_, key: string) => `<secret:${key}>`)) as RenderedObject;
}

function ordered(obj: RenderedObject): RenderedObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  return { apiVersion, kind, metadata, ...rest };
}

/** Stack config of a render: RENDER_CONFIG unless the caller passes its own (`npm run render -- --set`). */
function renderRun(env: EnvironmentName, config: Readonly<Record<string, unknown>> = RENDER_CONFIG[env]) {
  return runUnderMocks(env, { config, secrets: placeholderSecrets() });
}

/** Every Kubernetes object of an environment, secrets masked. */
export async function renderObjects(
  env: EnvironmentName,
  config?: Readonly<Record<string, unknown>>,
): Promise<RenderedObject[]> {
  return kubernetesObjects((await renderRun(env, config)).resources).map((o) => ordered(maskSecrets(o)));
}

/**
 * A rendered file's header: generated, and where from — the Pulumi resource and the components it was
 * created in, innermost first, as type and name, so a grep for either finds the code that made it.
 */
function header(
  r: RegisteredResource,
  registrations: ReadonlyMap<string, Registration>,
  note?: string,
): string {
  const chain = componentChain(r.options.parent, registrations);
  return [
    `# Generated by npm run render (scripts/render.ts); do not edit.${note ? ` ${note}` : ""}`,
    `# Pulumi resource: ${r.type} ${r.name}`,
    `# Made by: ${chain.length ? chain.join(" < ") : "the stack program itself (no component)"}`,
    "",
  ].join("\n");
}

/** The files of one environment's render: file name → YAML, sorted by name. */
export async function renderEnvironment(
  env: EnvironmentName,
  config?: Readonly<Record<string, unknown>>,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const run = await renderRun(env, config);
  for (const r of run.resources.filter((x) => x.type === HELM_RELEASE)) {
    const release = unwrapSecrets(r.inputs) as Record<string, unknown>;
    files.set(
      `helmrelease-${String(release.name)}.yaml`,
      `${header(r, run.registrations, "A Helm release Pulumi installs.")}${stringify(release, { lineWidth: 0 })}`,
    );
  }
  const objects = run.resources
    .filter((r) => r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE)
    .map((r) => ({ r, obj: ordered(maskSecrets(unwrapSecrets(r.inputs) as RenderedObject)) }));
  for (const { r, obj } of objects.sort((a, b) => fileName(a.obj).localeCompare(fileName(b.obj)))) {
    const name = fileName(obj);
    if (files.has(name)) throw new Error(`${env}: two objects render to ${name}`);
    files.set(name, `${header(r, run.registrations)}${stringify(obj, { lineWidth: 0 })}`);
  }
  return files;
}

/** Every environment's render. */
export async function renderAll(): Promise<Map<EnvironmentName, Map<string, string>>> {
  const all = new Map<EnvironmentName, Map<string, string>>();
  for (const env of ENVIRONMENT_NAMES) all.set(env, await renderEnvironment(env));
  return all;
}

/** Differences between a fresh render and the files in `dir/<env>/` (empty = up to date). */
export function staleFiles(dir: string, env: EnvironmentName, fresh: Map<string, string>): string[] {
  const envDir = join(dir, env);
  let onDisk: string[] = [];
  try {
    onDisk = readdirSync(envDir).filter((f) => f.endsWith(".yaml"));
  } catch {
    return [`${env}/ is missing`];
  }
  const problems: string[] = [];
  for (const f of onDisk) if (!fresh.has(f)) problems.push(`${env}/${f} is stale (no longer rendered)`);
  for (const [f, text] of fresh) {
    if (!onDisk.includes(f)) problems.push(`${env}/${f} is missing`);
    else if (readFileSync(join(envDir, f), "utf8") !== text) problems.push(`${env}/${f} differs`);
  }
  return problems;
}

/** Objects by kind, for the summary line. */
export function summary(files: Map<string, string>): string {
  const counts = new Map<string, number>();
  for (const f of files.keys()) {
    const kind = f.slice(0, f.indexOf("-"));
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
}

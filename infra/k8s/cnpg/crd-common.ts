import { z } from "zod";

/**
 * Pieces shared by the CloudNativePG custom resources. Every object schema is strict: the API server
 * prunes unknown fields of a structural CRD silently, so a misspelt field would otherwise vanish
 * between `pulumi up` and the operator.
 */

/** Metadata this project sets on a custom resource (namespace is added at registration). */
export interface CrMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A reference to an object by name (`LocalObjectReference`). */
export interface NameRef {
  readonly name: string;
}

/** A key of a Secret (`SecretKeySelector`). */
export interface SecretKeyRefSpec {
  readonly name: string;
  readonly key: string;
}

/** CPU and memory of one side of a ResourceRequirements; quantities are strings ("500m", "1Gi"). */
export interface CpuMemory {
  /** CPU, e.g. "500m". */
  readonly cpu: string;
  /** Memory, e.g. "1Gi". */
  readonly memory: string;
}

/** ResourceRequirements restricted to CPU and memory. */
export interface CpuMemoryResources {
  /** What the scheduler reserves. */
  readonly requests: CpuMemory;
  /** What the container may use at most. */
  readonly limits: CpuMemory;
}

export const stringMap = z.record(z.string(), z.string());

export const metadataSchema: z.ZodType<CrMetadata> = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

export const nameRefSchema: z.ZodType<NameRef> = z.strictObject({ name: z.string().min(1) });

export const secretKeyRefSchema: z.ZodType<SecretKeyRefSpec> = z.strictObject({
  name: z.string().min(1),
  key: z.string().min(1),
});

// A Kubernetes quantity as the API accepts it in string form.
const quantity = z.string().regex(/^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, "not a quantity");

const cpuMemory: z.ZodType<CpuMemory> = z.strictObject({ cpu: quantity, memory: quantity });

export const resourcesSchema: z.ZodType<CpuMemoryResources> = z.strictObject({
  requests: cpuMemory,
  limits: cpuMemory,
});

export const quantitySchema = quantity;

/** The plugin name of Barman Cloud, as `spec.plugins[].name` and plugin references take it. */
export const BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io";
export const CNPG_API_VERSION = "postgresql.cnpg.io/v1";
export const BARMAN_CLOUD_API_VERSION = "barmancloud.cnpg.io/v1";

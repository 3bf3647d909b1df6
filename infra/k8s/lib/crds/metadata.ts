import { z } from "zod";

/**
 * The metadata this project sets on a custom resource: a subset of the API server's ObjectMeta, which
 * no CRD's schema describes (the generated schemas of ./generated/ refer to this one). Strict like them.
 */
export interface CrMetadata {
  readonly name: string;
  /** Added at registration when absent. */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

const stringMap = z.record(z.string(), z.string());

export const metadataSchema: z.ZodType<CrMetadata> = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

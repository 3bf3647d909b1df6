import type { z } from "zod";

/** Any object with a kind, typed or not. */
export interface TypedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string };
}

/** Problems of one object against the schema of its `apiVersion/kind`, each with its property path. */
export function schemaIssues<T>(schemas: Readonly<Record<string, z.ZodType<T>>>, obj: object): string[] {
  const o = obj as TypedObject;
  const key = `${o.apiVersion}/${o.kind}`;
  const schema = schemas[key];
  if (!schema) return [`${key}: no schema`];
  const r = schema.safeParse(o);
  if (r.success) return [];
  return r.error.issues.map(
    (i) => `${o.kind} ${o.metadata?.name ?? "?"}: ${i.path.join(".") || "(root)"}: ${i.message}`,
  );
}

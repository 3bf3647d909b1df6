import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc.js";

/** True for a value the SDK serialised as a secret (mock inputs keep the wrapper). */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
  );
}

/** Every string in `value` that is not inside a secret: what `pulumi up` would store and show in plain text. */
export function plainStrings(value: unknown, out: string[] = []): string[] {
  if (isSecretWrapper(value)) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) plainStrings(v, out);
  else if (typeof value === "object" && value !== null)
    for (const v of Object.values(value)) plainStrings(v, out);
  return out;
}

/** The value inside a secret wrapper; throws if `value` is not one (so a lost secret fails the test). */
export function unwrapSecret(value: unknown): unknown {
  if (!isSecretWrapper(value)) throw new Error(`expected a secret, got ${JSON.stringify(value)}`);
  return value.value;
}

/** `KEY=VALUE` lines as a record. */
export function envRecord(lines: unknown): Record<string, string> {
  if (!Array.isArray(lines)) throw new Error(`expected a list of KEY=VALUE, got ${JSON.stringify(lines)}`);
  const out: Record<string, string> = {};
  for (const line of lines as string[]) {
    const i = line.indexOf("=");
    out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

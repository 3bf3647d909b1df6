import type { KubeObject } from "./objects.js";

/** Keys that name a credential (DB_PASSWORD, OPENAI_API_KEY, SENTRY_DSN, …). */
const SECRET_KEY = /(pass(word)?|secret|token|api[_-]?key|dsn|credentials?|private[_-]?key)$/i;
/** A URL with a password in it: scheme://user:password@host. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/gi;
/** Values that only point at a secret (an env or file reference), which is what config should hold. */
const REFERENCE =
  /^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\([A-Za-z_][A-Za-z0-9_]*\)|\$__file\{[^}]+\}|\/[^\s]*)$/;
/** What the render's placeholder secrets look like, raw or masked. */
const PLACEHOLDER = /RENDERSECRET[A-Za-z0-9]+?XX|<secret:[A-Za-z0-9]+>/;

/**
 * No secret values in a ConfigMap: a placeholder secret, a credential-named key with a literal value,
 * or a URL with a literal password. (The render also fails on any placeholder outside a Secret.)
 */
export function configMapSecretViolations(cm: KubeObject): string[] {
  if (cm.kind !== "ConfigMap") return [];
  const at = `configmap/${cm.metadata.name}`;
  const out: string[] = [];
  for (const [key, raw] of Object.entries((cm.data ?? {}) as Record<string, unknown>)) {
    const value = String(raw);
    if (PLACEHOLDER.test(value)) out.push(`${at}: ${key} holds a secret value`);
    else if (SECRET_KEY.test(key) && value !== "" && !REFERENCE.test(value))
      out.push(`${at}: ${key} looks like a credential; put it in a Secret`);
    else
      for (const m of value.matchAll(URL_CREDENTIALS))
        if (!REFERENCE.test(m[1] as string)) out.push(`${at}: ${key} has a URL with a password`);
  }
  return out;
}

/**
 * Log sanitisation (the reference's "Ensure sensitive data is not logged"). Three layers:
 *
 * 1. {@link describeConfig}: the start-up log shows the configuration with secrets replaced and URL
 *    passwords masked (`postgres://app:***@db:5432/mcp`), hosts still visible.
 * 2. pino `redact` paths ({@link REDACT_PATHS}): credential-carrying fields and headers by name.
 * 3. A scrubber on every written line ({@link createScrubber}): the literal values of the configured
 *    secrets (SECRET_ENV: database and Redis URLs and their passwords, OPENAI_API_KEY, SENTRY_DSN and its
 *    key, each API_KEYS key) are replaced wherever they appear — also inside error messages, URLs and
 *    stack traces the first two layers cannot know about.
 */
import type { Config } from "../config.js";

export const REDACTED = "[REDACTED]";

/** Shorter values are not scrubbed (they would mangle ordinary words); no real secret is this short. */
export const MIN_SECRET_LENGTH = 4;

/** Field and header paths that may carry credentials (pino `redact`). */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-api-key']",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.apiKey",
  "*.password",
  "*.dsn",
  "*.connectionString",
  "password",
  "apiKey",
];

/** A URL's password (raw and decoded) and username-as-key (a Sentry DSN's public key), if any. */
function urlCredentials(value: string): string[] {
  try {
    const url = new URL(value);
    const parts = [url.password, safeDecode(url.password)];
    // Sentry DSNs carry the key as the username (https://<key>@o1.ingest.sentry.io/1).
    if (url.protocol.startsWith("http")) parts.push(url.username, safeDecode(url.username));
    return parts;
  } catch {
    return [];
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Every secret value the configuration holds, as it may appear in a log line. */
export function secretValues(config: Config): string[] {
  const whole = [
    config.database.url,
    config.database.replicaUrl,
    config.cache.redisUrl,
    config.sentry.dsn,
    config.openai.apiKey,
    ...config.apiKeys.keys(),
  ].filter((v): v is string => typeof v === "string");
  const parts = [config.database.url, config.database.replicaUrl, config.cache.redisUrl, config.sentry.dsn]
    .filter((v): v is string => typeof v === "string")
    .flatMap(urlCredentials);
  const values = new Set<string>();
  for (const v of [...whole, ...parts]) {
    if (v.length < MIN_SECRET_LENGTH) continue;
    values.add(v);
    // As JSON-escaped inside a log line.
    values.add(JSON.stringify(v).slice(1, -1));
  }
  return [...values];
}

/** Replaces every occurrence of the secrets in a string; the identity when there are none. */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const usable = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  if (usable.length === 0) return (text) => text;
  const pattern = new RegExp(usable.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text) => text.replace(pattern, REDACTED);
}

/** `scheme://user:***@host/…`; unparseable values are replaced whole. */
export function maskUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    if (url.protocol.startsWith("http") && url.username) url.username = "***";
    return url.toString();
  } catch {
    return REDACTED;
  }
}

/** The configuration as it may be logged: secrets replaced, URLs masked, API keys counted. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    cache: { ...config.cache, redisUrl: maskUrl(config.cache.redisUrl) },
    sentry: { ...config.sentry, dsn: config.sentry.dsn ? REDACTED : undefined },
    database: {
      ...config.database,
      url: maskUrl(config.database.url),
      replicaUrl: maskUrl(config.database.replicaUrl),
    },
    openai: { ...config.openai, apiKey: config.openai.apiKey ? REDACTED : undefined },
    apiKeys: { count: config.apiKeys.size, tenants: [...new Set(config.apiKeys.values())].sort() },
  };
}

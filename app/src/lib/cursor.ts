/**
 * Opaque page cursors for keyset pagination: the (created_at, id) of the last row of a page,
 * base64url-encoded. The timestamp keeps Postgres' microseconds so the next page starts exactly
 * after that row, however many rows share its millisecond.
 */

/** Where the previous page ended. */
export interface PageKey {
  /** ISO 8601 with microseconds, as Postgres printed it. */
  createdAt: string;
  id: string;
}

const ISO_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id]), "utf8").toString("base64url");
}

/** The key a cursor holds, or undefined when it is not one this app made. */
export function decodeCursor(cursor: string): PageKey | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, id] = value as unknown[];
    if (typeof createdAt !== "string" || !ISO_US.test(createdAt)) return undefined;
    if (typeof id !== "string" || id.length === 0 || id.length > 200) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

/**
 * docs/app.md states facts about the running app that can be checked: the Postgres major PGlite embeds
 * (one, the one the installed PGlite reports) and headings that name the subject, not an issue.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../app/src/db/pglite-database.js";

const DOC = readFileSync(path.resolve(import.meta.dirname, "../../docs/app.md"), "utf8");

describe("docs/app.md", () => {
  it("names one Postgres major for PGlite, the one it runs", async () => {
    const db = await PgliteDatabase.open();
    try {
      const rows = await db.query<{ version: string }>("SELECT version()");
      const major = /PostgreSQL (\d+)/.exec(rows[0]!.version)?.[1];
      const named = [...DOC.matchAll(/PGlite[^.]{0,40}?Postgres (\d+)/g)].map((m) => m[1]);
      expect(named.length).toBeGreaterThan(0);
      expect(new Set(named)).toEqual(new Set([major]));
    } finally {
      await db.close();
    }
  });

  it("has no heading named after an issue", () => {
    expect(DOC.match(/^#+ .*\bissue \d+/gim) ?? []).toEqual([]);
  });
});

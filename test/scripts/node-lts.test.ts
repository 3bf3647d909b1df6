import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  daysBetween,
  ltsStatus,
  majorOf,
  NODE_LTS_LINES,
  pinnedNodeVersion,
  SCHEDULE_CHECKED_ON,
} from "../../scripts/node-lts.js";

/**
 * The pinned Node.js (.node-version) against the release schedule recorded in scripts/node-lts.ts, and
 * everything that has to agree with the pin. No wall clock: the schedule is judged on SCHEDULE_CHECKED_ON.
 */
const ROOT = new URL("../../", import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, ROOT), "utf8"));
const pinned = pinnedNodeVersion();
const major = majorOf(pinned);

/** The lowest major a range such as ">=24", "^24.11.0" or "~24" admits. */
const lowestMajor = (range: string) => Number(/^\s*(?:>=|\^|~)?\s*v?(\d+)/.exec(range)?.[1] ?? Number.NaN);

describe("the pinned Node.js", () => {
  it("is one exact version", () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("is an accepted LTS line, supported past the day the schedule was checked", () => {
    const line = NODE_LTS_LINES[major];
    expect(line, `node ${major} is not in NODE_LTS_LINES (scripts/node-lts.ts)`).toBeDefined();
    expect(line!.lts <= SCHEDULE_CHECKED_ON).toBe(true);
    expect(line!.end > SCHEDULE_CHECKED_ON).toBe(true);
  });

  it("runs these tests (the image runs the same major)", () => {
    expect(
      majorOf(process.version),
      `tests run on ${process.version}; run them through ./scripts/test-all.sh or scripts/with-node.sh`,
    ).toBe(major);
  });

  it("is the lowest major engines.node admits, at the root and in the app", () => {
    expect(lowestMajor(json("package.json").engines.node)).toBe(major);
    expect(lowestMajor(json("app/package.json").engines.node)).toBe(major);
  });

  it("is the major of @types/node", () => {
    expect(lowestMajor(json("package.json").devDependencies["@types/node"])).toBe(major);
  });
});

describe("the accepted LTS table", () => {
  it("holds only even (LTS) lines, each with real dates and LTS before its end of life", () => {
    for (const [m, line] of Object.entries(NODE_LTS_LINES)) {
      expect(Number(m) % 2).toBe(0);
      for (const d of [line.lts, line.end]) expect(Number.isNaN(Date.parse(d))).toBe(false);
      expect(line.lts < line.end).toBe(true);
    }
    expect(Number.isNaN(Date.parse(SCHEDULE_CHECKED_ON))).toBe(false);
  });

  it("reports the status of a line on a given day, warning past and shortly before its end of life", () => {
    expect(daysBetween("2028-04-29", "2028-04-30")).toBe(1);
    expect(ltsStatus("24.21.0", "2026-12-01")).toEqual({
      line: expect.stringContaining("2028-04-30"),
      warn: false,
    });
    expect(ltsStatus("24.21.0", "2027-12-01")).toEqual({
      line: expect.stringMatching(/151 days left/),
      warn: true,
    });
    expect(ltsStatus("24.21.0", "2028-05-01")).toEqual({
      line: expect.stringMatching(/past its end/),
      warn: true,
    });
    expect(ltsStatus("25.9.0", "2026-12-01").warn).toBe(true);
  });
});

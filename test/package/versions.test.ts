import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CONTRACT_DIR, packageVersions, syncVersions } from "../../scripts/package/versions.js";

/**
 * mcp-stack and @mcp-stack/contract are released under one version, set in the root package.json
 * (scripts/package/versions.ts); `npm version` copies it to the other places, and this file fails when
 * one of them, the lockfile or the CHANGELOG was left behind.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));

describe("one version for both packages", () => {
  const { version, contractVersion, contractDependency } = packageVersions(ROOT);

  it("is the contract's version and mcp-stack's exact dependency on it", () => {
    expect({ contractVersion, contractDependency }).toEqual({
      contractVersion: version,
      contractDependency: version,
    });
  });

  it("is what the lockfile records for both", () => {
    const lock = json("package-lock.json");
    expect(lock.packages[""].version).toBe(version);
    expect(lock.packages[CONTRACT_DIR].version).toBe(version);
    expect(lock.packages[""].dependencies["@mcp-stack/contract"]).toBe(version);
  });

  it("is the newest entry of CHANGELOG.md", () => {
    const headings = [...readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8").matchAll(/^## (\S+)/gm)];
    expect(headings[0]?.[1]).toBe(version);
  });
});

describe("syncVersions (npm version's `version` script)", () => {
  const work = mkdtempSync(path.join(tmpdir(), "mcp-stack-versions-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("moves the contract and the dependency to a new root version, and nothing else", () => {
    mkdirSync(path.join(work, CONTRACT_DIR));
    cpSync(path.join(ROOT, "package.json"), path.join(work, "package.json"));
    cpSync(path.join(ROOT, CONTRACT_DIR, "package.json"), path.join(work, CONTRACT_DIR, "package.json"));
    const before = JSON.parse(readFileSync(path.join(work, "package.json"), "utf8"));
    writeFileSync(path.join(work, "package.json"), JSON.stringify({ ...before, version: "7.8.9" }));

    expect(syncVersions(work).sort()).toEqual([path.join(CONTRACT_DIR, "package.json"), "package.json"]);
    expect(packageVersions(work)).toEqual({
      version: "7.8.9",
      contractVersion: "7.8.9",
      contractDependency: "7.8.9",
    });
    const after = JSON.parse(readFileSync(path.join(work, "package.json"), "utf8"));
    expect({ ...after, dependencies: { ...after.dependencies, "@mcp-stack/contract": "x" } }).toEqual({
      ...before,
      version: "7.8.9",
      dependencies: { ...before.dependencies, "@mcp-stack/contract": "x" },
    });
    expect(syncVersions(work)).toEqual([]);
  });

  it("names the file and the field when a version is not semantic", () => {
    writeFileSync(
      path.join(work, "package.json"),
      JSON.stringify({ ...json("package.json"), version: "next" }),
    );
    expect(() => packageVersions(work)).toThrow(/package\.json: version must be a semantic version/);
  });
});

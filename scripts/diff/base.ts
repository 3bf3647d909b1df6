import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { SnapshotResource } from "./preview.js";

/**
 * The base side of the offline preview. The base revision is extracted with `git archive` into a
 * temp dir (no worktree is registered, nothing in the repository changes) and rendered with its own
 * code and this checkout's node_modules. Should the base predate the render entry points (or they have
 * moved), its committed rendered/<env>/ files stand in: they are drift-checked, so they equal what that
 * revision rendered, but objects are then matched by kind and name instead of by Pulumi URN.
 */

function git(root: string, args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The default base: the merge base of HEAD with main (or origin/main in a CI clone). */
export function defaultBase(root: string): string {
  for (const main of ["main", "origin/main"]) {
    try {
      return git(root, ["merge-base", "HEAD", main]);
    } catch {
      // try the next name
    }
  }
  throw new Error("no main or origin/main to take the merge base with; pass --base <ref>");
}

/** `git archive <ref>` unpacked into a fresh temp dir, with this checkout's node_modules linked in. */
export function extractTree(root: string, ref: string): { dir: string; commit: string; cleanup(): void } {
  const commit = git(root, ["rev-parse", "--verify", `${ref}^{commit}`]);
  const dir = mkdtempSync(join(tmpdir(), "mcp-stack-base-"));
  const tar = execFileSync("git", ["archive", "--format=tar", commit], { cwd: root, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  for (const nm of ["node_modules", join("app", "node_modules")])
    if (existsSync(join(root, nm))) {
      mkdirSync(join(dir, nm, ".."), { recursive: true });
      if (!existsSync(join(dir, nm))) symlinkSync(join(root, nm), join(dir, nm), "dir");
    }
  return { dir, commit, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A tree's committed rendered/<env>/ files as resources, named by kind and object name. */
export function committedSnapshot(tree: string, env: string): SnapshotResource[] {
  const dir = join(tree, "rendered", env);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), "utf8")) as Record<string, unknown>)
    .map((object) => byObjectIdentity(object));
}

function byObjectIdentity(object: Record<string, unknown>): SnapshotResource {
  const o = object as { apiVersion?: string; kind?: string; metadata?: { name?: string }; name?: string };
  if (o.kind && o.metadata?.name) {
    // Pulumi spells the core group "core": kubernetes:core/v1:ConfigMap.
    const gv = o.apiVersion?.includes("/") ? o.apiVersion : `core/${o.apiVersion}`;
    return { type: `kubernetes:${gv}:${o.kind}`, name: o.metadata.name, protect: false, object };
  }
  return { type: "kubernetes:helm.sh/v3:Release", name: String(o.name), protect: false, object };
}

/** Re-key a rendered snapshot by object identity, to compare with a committed one. */
export function asObjectIdentity(resources: readonly SnapshotResource[]): SnapshotResource[] {
  return resources.map((r) => ({ ...byObjectIdentity(r.object), protect: r.protect }));
}

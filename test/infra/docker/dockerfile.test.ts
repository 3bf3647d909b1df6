import { existsSync, readFileSync } from "node:fs";
import { APP_DIRS, APP_PORT, HTTP_PATHS } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import {
  majorOf,
  NODE_LTS_LINES,
  pinnedNodeVersion,
  SCHEDULE_CHECKED_ON,
} from "../../../scripts/node-lts.js";
import { DEV_COMMAND } from "../../../stacks/docker/layout.js";

/**
 * A structural lint of app/Dockerfile (no Docker engine or hadolint here): instructions are parsed
 * into stages and checked against what the stacks and Kubernetes rely on.
 */
const ROOT = new URL("../../../", import.meta.url);
const DOCKERFILE = readFileSync(new URL("app/Dockerfile", ROOT), "utf8");
const DOCKERIGNORE = readFileSync(new URL(".dockerignore", ROOT), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === "FROM") {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!m) throw new Error(`bad FROM: ${line}`);
      stages.push({ name: m[2] ?? `#${stages.length}`, from: m[1]!, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`instruction before FROM: ${line}`);
      stage.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

const stages = parseDockerfile(DOCKERFILE);
const stage = (name: string): Stage => {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`no stage ${name}`);
  return s;
};
/** A stage's instructions including those of the stages it is built FROM (what it inherits). */
function lineage(name: string): Instruction[] {
  const s = stage(name);
  const parent = stages.find((x) => x.name === s.from);
  return [...(parent ? lineage(parent.name) : []), ...s.instructions];
}
const ops = (list: Instruction[], op: string) => list.filter((i) => i.op === op).map((i) => i.args);
const jsonArgs = (args: string): string[] => JSON.parse(args) as string[];

describe("app/Dockerfile", () => {
  it("has the stages deps -> dev and build -> runtime", () => {
    expect(stages.map((s) => s.name)).toEqual(["base", "deps", "dev", "build", "runtime"]);
    expect(stage("dev").from).toBe("deps");
    expect(stage("runtime").from).toBe("base");
  });

  it("starts from the slim node image of exactly the pinned version (.node-version), never latest", () => {
    const external = stages.map((s) => s.from).filter((f) => !stages.some((s) => s.name === f));
    expect(external).toEqual([`node:${pinnedNodeVersion()}-bookworm-slim`]);
    for (const from of external) expect(from).not.toMatch(/:latest$|^[^:]+$/);
  });

  it("runs a Node.js LTS line that is supported past the day the release schedule was checked", () => {
    const [from] = stages.map((s) => s.from).filter((f) => !stages.some((s) => s.name === f));
    const major = majorOf(/^node:(\d+\.\d+\.\d+)-/.exec(from!)?.[1] ?? "");
    expect(major).toBe(majorOf(pinnedNodeVersion()));
    const line = NODE_LTS_LINES[major];
    expect(line, `node ${major} is not an accepted LTS line (scripts/node-lts.ts)`).toBeDefined();
    expect(line!.end > SCHEDULE_CHECKED_ON).toBe(true);
  });

  it("creates the app user and group with the fixed id 10001", () => {
    const run = ops(stage("base").instructions, "RUN").join(" ");
    expect(run).toMatch(/groupadd .*--gid 10001/);
    expect(run).toMatch(/useradd .*--uid 10001 --gid 10001/);
  });

  it("runs the runtime stage as numeric user 10001, so Kubernetes can verify runAsNonRoot", () => {
    expect(ops(lineage("runtime"), "USER").at(-1)).toMatch(/^10001(:10001)?$/);
  });

  it("exposes APP_PORT in the dev and runtime stages", () => {
    expect(ops(lineage("runtime"), "EXPOSE")).toEqual([String(APP_PORT)]);
    expect(ops(lineage("dev"), "EXPOSE")).toEqual([String(APP_PORT)]);
  });

  it("health-checks the liveness path over HTTP with node, without curl", () => {
    const [check] = ops(lineage("runtime"), "HEALTHCHECK");
    expect(check).toBeDefined();
    expect(check).toContain(HTTP_PATHS.live);
    expect(check).toContain(String(APP_PORT));
    expect(check).toMatch(/CMD \["node",/);
    expect(check).not.toMatch(/curl|wget/);
  });

  it("installs only production dependencies of the app workspace into the runtime image", () => {
    const buildRuns = ops(stage("build").instructions, "RUN").join(" ");
    expect(buildRuns).toMatch(/npm ci .*--workspace app.*--omit=dev/);
    const copies = ops(stage("runtime").instructions, "COPY");
    const sources = copies.map((c) => /--from=(\S+)/.exec(c)?.[1]);
    expect(sources).toEqual(["build"]);
  });

  it("installs devDependencies in the stage the dev target builds on", () => {
    const depsRuns = ops(stage("deps").instructions, "RUN").join(" ");
    expect(depsRuns).toMatch(/npm ci .*--workspace app/);
    expect(depsRuns).not.toMatch(/--omit=dev|--production/);
  });

  it("runs tsx watch in dev, the command the Pulumi stack and the compose file use", () => {
    expect(jsonArgs(ops(stage("dev").instructions, "CMD").at(-1)!)).toEqual([...DEV_COMMAND]);
  });

  it("runs node directly as PID 1 in the runtime stage (no npm wrapper swallowing SIGTERM)", () => {
    const cmd = jsonArgs(ops(lineage("runtime"), "CMD").at(-1)!);
    expect(cmd[0]).toBe("node");
    expect(cmd).not.toContain("npm");
  });

  it("declares every writable path as a volume, so the root filesystem can be read-only", () => {
    const volumes = ops(stage("runtime").instructions, "VOLUME").flatMap(jsonArgs);
    const dataDir = /DATA_DIR=(\S+)/.exec(ops(stage("runtime").instructions, "ENV").join(" "))?.[1];
    expect(dataDir).toBeDefined();
    expect(dataDir).toBe(APP_DIRS.data);
    expect(volumes.sort()).toEqual(["/tmp", APP_DIRS.logs, APP_DIRS.data].sort());
    const chown = ops(stage("runtime").instructions, "RUN").join(" ");
    for (const v of volumes.filter((p) => p !== "/tmp")) expect(chown).toContain(v);
  });

  it("copies the contract workspace into the image, never monitoring/ or infra/", () => {
    const copied = stages.flatMap((s) => ops(s.instructions, "COPY").filter((c) => !c.includes("--from=")));
    expect(copied).toContain("contract/ contract/");
    expect(copied.join(" ")).not.toMatch(/\b(monitoring|infra|stacks|environments)\//);
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    for (const s of stages)
      for (const copy of ops(s.instructions, "COPY").filter((c) => !c.includes("--from="))) {
        const parts = copy.split(/\s+/).filter((p) => !p.startsWith("--"));
        for (const src of parts.slice(0, -1)) {
          expect([src, existsSync(new URL(src, ROOT))]).toEqual([src, true]);
          const top = src.split("/")[0]!;
          expect(DOCKERIGNORE).not.toContain(top);
        }
      }
  });

  it("keeps node_modules, git history and env files out of the build context", () => {
    expect(DOCKERIGNORE).toEqual(expect.arrayContaining(["**/node_modules", ".git", ".env"]));
  });
});

import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Tests mirror the source tree: every folder of tests under test/app, test/infra, test/stacks,
 * test/monitoring and test/environments is a folder of the part it tests, so a module's tests are
 * found where the module is. The few folders that test a running process across modules are named here
 * with the reason.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const PARTS: Record<string, string> = {
  "test/app": "app/src",
  "test/infra": "infra",
  "test/stacks": "stacks",
  "test/monitoring": "monitoring",
  "test/environments": "environments",
};
/** Test folders of a part's code that lives beside its sources, not under them. */
const BESIDE_SOURCES: Record<string, string> = {
  "test/app/bench": "app/bench",
};
const ACROSS_MODULES: Record<string, string> = {
  "test/app/lifecycle": "the real entry point as a child process (signals, workers, kill -9)",
  "test/app/fuzz": "random requests through the whole server",
  "test/monitoring/e2e": "Prometheus, Alertmanager and the app running together",
};

function testFolders(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const sub = `${dir}/${e.name}`;
      return [sub, ...testFolders(sub)];
    });
}

describe("the test tree", () => {
  it.each(Object.entries(PARTS))("%s has a folder only where %s has one", (tests, source) => {
    const under = (d: string, folders: Record<string, string>) =>
      Object.keys(folders).find((a) => d === a || d.startsWith(`${a}/`));
    const mirrored = (d: string) => {
      const beside = under(d, BESIDE_SOURCES);
      return beside
        ? path.join(ROOT, BESIDE_SOURCES[beside] as string, d.slice(beside.length + 1))
        : path.join(ROOT, source, d.slice(tests.length + 1));
    };
    const strays = testFolders(tests)
      .filter((d) => !under(d, ACROSS_MODULES))
      .filter((d) => !existsSync(mirrored(d)));
    expect(strays).toEqual([]);
  });
});

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
    const strays = testFolders(tests)
      .filter((d) => !Object.keys(ACROSS_MODULES).some((a) => d === a || d.startsWith(`${a}/`)))
      .filter((d) => !existsSync(path.join(ROOT, source, d.slice(tests.length + 1))));
    expect(strays).toEqual([]);
  });
});

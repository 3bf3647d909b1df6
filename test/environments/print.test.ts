import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);
// As the npm script runs it (package.json "env"): Node's type stripping and the repository's loader.
const printer = [
  "--conditions=@mcp-stack/source",
  "--import",
  "./scripts/loader/register.ts",
  "environments/print.ts",
];

describe("npm run env", () => {
  it("prints the resolved prod model as YAML with derived values and secrets masked", async () => {
    const { stdout } = await run(process.execPath, [...printer, "prod"]);
    const model = parse(stdout);
    expect(model.name).toBe("prod");
    expect(model.derived.postgres.sharedBuffers).toBe("4GB");
    expect(model.secrets.dbPassword).toBe("[secret]");
    expect(model.secrets.sentryDsn).toBe("[secret]");
  });

  it("exits non-zero on an unknown environment and lists the valid ones", async () => {
    const failure = await run(process.execPath, [...printer, "nosuchenv"]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(
      'Unknown environment "nosuchenv". Valid environments: dev, staging, prod',
    );
  });
});

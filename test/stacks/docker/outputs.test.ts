import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveEnvironment } from "../../../environments/index.js";
import { deployDocker } from "../../../stacks/docker/deploy.js";
import { recordDockerInputs } from "../../infra/docker/mocks.js";

beforeAll(async () => {
  await recordDockerInputs("docker-outputs");
});

describe("deployDocker outputs", () => {
  it("exports the database URL as a secret", async () => {
    const out = deployDocker(
      resolveEnvironment("dev", {}),
      { dbPassword: pulumi.secret("pw") },
      new pulumi.Config("mcp-stack"),
    );
    expect(out.databaseUrl).toBeDefined();
    expect(await pulumi.isSecret(out.databaseUrl!)).toBe(true);
    expect(out.appUrl).toBe("http://localhost:8000");
  });
});

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { DevApp, type DevAppArgs, validateDevAppArgs } from "../../../../infra/docker/index.js";
import { recordDockerInputs, value } from "../mocks.js";

let inputs = new Map<string, Record<string, unknown>>();
beforeAll(async () => {
  inputs = await recordDockerInputs("dev-app");
});

const appArgs: DevAppArgs = {
  context: "/repo",
  environment: { LOG_LEVEL: "DEBUG", DATABASE_URL: pulumi.secret("postgresql://u:pw@db:5432/x") },
  network: "net",
};

describe("DevApp", () => {
  it("builds the dev stage locally without pushing and runs the built image", async () => {
    const app = new DevApp("app-defaults", appArgs);
    await value(app.container.urn);
    const image = inputs.get("docker:index/image:Image::app-defaults")!;
    expect(image.skipPush).toBe(true);
    expect(image.build).toEqual({ context: "/repo", dockerfile: "app/Dockerfile", target: "dev" });
    const c = inputs.get("docker:index/container:Container::app-defaults")!;
    expect(c.image).toBe(`sha256:${"1".repeat(64)}`);
    expect(c.ports).toEqual([{ internal: 8000, external: 8000 }]);
    expect(c.networksAdvanced).toEqual([{ name: "net", aliases: ["app"] }]);
    expect(app.url).toBe("http://localhost:8000");
  });

  it("turns the whole env list secret when one value is secret", async () => {
    const app = new DevApp("app-secret", appArgs);
    expect(await pulumi.isSecret(app.container.envs)).toBe(true);
  });

  it("rejects a relative bind mount, which Docker cannot resolve", () => {
    expect(
      validateDevAppArgs({ ...appArgs, mounts: [{ hostPath: "./app", containerPath: "/app/app" }] }),
    ).toEqual(['mounts[0].hostPath "./app" must be absolute (Docker resolves no relative paths)']);
  });

  it("refuses a mount given as an Output (its paths are checked first), still checking the others", () => {
    const mounts = [
      pulumi.output({ hostPath: "/repo/app", containerPath: "/app/app" }),
      { hostPath: "/logs", containerPath: "logs" },
    ];
    expect(validateDevAppArgs({ ...appArgs, mounts })).toEqual([
      "mounts[0] must be a plain value, not an Output or a Promise: DevApp checks the paths before it creates anything",
      'mounts[1].containerPath "logs" must be absolute',
    ]);
  });

  it("mounts the plain items it was given", async () => {
    const app = new DevApp("app-mounts", {
      ...appArgs,
      mounts: [{ hostPath: "/repo/app", containerPath: "/app/app", readOnly: true }],
    });
    await value(app.container.urn);
    expect(inputs.get("docker:index/container:Container::app-mounts")!.volumes).toEqual([
      { hostPath: "/repo/app", containerPath: "/app/app", readOnly: true },
    ]);
  });
});

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveEnvironment } from "../../../environments/index.js";
import {
  AppImage,
  DevApp,
  type DevAppArgs,
  DevDatabase,
  type DevDatabaseArgs,
  validateDevAppArgs,
  validateDevDatabaseArgs,
} from "../../../infra/docker/index.js";
import { deployDocker } from "../../../stacks/docker/deploy.js";

const inputs = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputs.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
        const computed =
          args.type === "docker:index/image:Image"
            ? { repoDigest: `sha256:${"1".repeat(64)}` }
            : args.type === "docker:index/remoteImage:RemoteImage"
              ? { imageId: `sha256:${"2".repeat(64)}` }
              : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computed } };
      },
      call: (args) => args.inputs,
    },
    "mcp-stack",
    "components",
    false,
  );
});

/** Resolve an Output under mocks. */
const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

const dbArgs: DevDatabaseArgs = {
  image: "pgvector/pgvector:0.8.0-pg16",
  database: "mcp_dev",
  user: "mcp",
  password: pulumi.secret("p@ss/word"),
  network: "net",
};

describe("DevDatabase", () => {
  it("defaults to the reference: alias db, port 5432 published, restart unless-stopped, waits for healthy", async () => {
    const db = new DevDatabase("db-defaults", dbArgs);
    await value(db.container.urn);
    const c = inputs.get("docker:index/container:Container::db-defaults")!;
    expect(c.networksAdvanced).toEqual([{ name: "net", aliases: ["db"] }]);
    expect(c.ports).toEqual([{ internal: 5432, external: 5432 }]);
    expect(c.restart).toBe("unless-stopped");
    expect(c.wait).toBe(true);
    expect(inputs.get("docker:index/volume:Volume::db-defaults-data")?.name).toBe("db-defaults-data");
  });

  it("keeps its environment and URLs secret, with the password URL-encoded", async () => {
    const db = new DevDatabase("db-secret", dbArgs);
    expect(await pulumi.isSecret(db.container.envs)).toBe(true);
    expect(await pulumi.isSecret(db.url)).toBe(true);
    expect(await pulumi.isSecret(db.hostUrl!)).toBe(true);
    expect(await value(db.url)).toBe("postgresql://mcp:p%40ss%2Fword@db:5432/mcp_dev");
    expect(await value(db.hostUrl!)).toBe("postgresql://mcp:p%40ss%2Fword@localhost:5432/mcp_dev");
  });

  it("publishes no port when publishPort is false", async () => {
    const db = new DevDatabase("db-private", { ...dbArgs, publishPort: false });
    await value(db.container.urn);
    expect(inputs.get("docker:index/container:Container::db-private")?.ports).toEqual([]);
    expect(db.hostUrl).toBeUndefined();
  });

  it("rejects an unpinned or latest image", () => {
    for (const image of ["pgvector/pgvector:latest", "pgvector/pgvector"])
      expect(validateDevDatabaseArgs({ ...dbArgs, image })).toEqual([
        `image "${image}" must be pinned to a tag or digest, never latest`,
      ]);
  });
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
});

describe("AppImage", () => {
  it("defaults to the runtime stage of app/Dockerfile for linux/amd64, pushed", async () => {
    const image = new AppImage("image-defaults", {
      imageName: "ghcr.io/acme/mcp-backend:1.0.0",
      context: "/repo",
    });
    await value(image.ref);
    const i = inputs.get("docker:index/image:Image::image-defaults")!;
    expect(i.build).toEqual({
      context: "/repo",
      dockerfile: "app/Dockerfile",
      target: "runtime",
      platform: "linux/amd64",
    });
    expect(i.skipPush).toBe(false);
  });
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

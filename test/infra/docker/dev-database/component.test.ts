import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DevDatabase,
  type DevDatabaseArgs,
  validateDevDatabaseArgs,
} from "../../../../infra/docker/index.js";
import { recordDockerInputs, value } from "../mocks.js";

let inputs = new Map<string, Record<string, unknown>>();
beforeAll(async () => {
  inputs = await recordDockerInputs("dev-database");
});

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

import { existsSync } from "node:fs";
import path from "node:path";
import { ENV } from "@mcp-stack/contract";
import type * as dockerTypes from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { MockRunResult, RegisteredResource } from "../../../stacks/mock-run.js";
import { ofType, runStackWithSecrets, TEST_SECRETS } from "../../helpers/stack.js";
import { envRecord, plainStrings, unwrapSecret } from "../../infra/docker/plain-values.js";

// Record the options every docker.Container is created with: mock inputs do not carry dependsOn.
const created = vi.hoisted(() => new Map<string, { opts?: pulumi.CustomResourceOptions; self: unknown }>());
vi.mock("@pulumi/docker", async (importOriginal) => {
  const orig = await importOriginal<typeof dockerTypes>();
  class Container extends orig.Container {
    constructor(name: string, args: dockerTypes.ContainerArgs, opts?: pulumi.CustomResourceOptions) {
      super(name, args, opts);
      created.set(name, { opts, self: this });
    }
  }
  return { ...orig, Container };
});

/** The reference's development `.env` blocks (Logging, Caching, Observability, Database), as written there. */
const REFERENCE_DEV_ENV: Record<string, string> = {
  LOG_LEVEL: "DEBUG",
  USE_JSON_LOGS: "false",
  LOG_FILE: "logs/mcp-backend-dev.log",
  ENABLE_CONSOLE_TRACING: "true",
  CACHE_ENABLED: "true",
  CACHE_BACKEND: "memory",
  CACHE_MAX_SIZE: "1000",
  CACHE_DEFAULT_TTL: "300",
  JAEGER_HOST: "",
  OTLP_ENDPOINT: "",
  SENTRY_DSN: "",
  DB_POOL_SIZE: "5",
  DB_MAX_OVERFLOW: "10",
};

/** The reference's development compose file. */
const REFERENCE_COMPOSE = {
  app: { port: 8000, mounts: { "/app/app": "app", "/app/logs": "logs" }, alias: "app" },
  db: {
    port: 5432,
    imageRepository: "pgvector/pgvector",
    imageTag: /pg16$/,
    database: "mcp_dev",
    dataPath: "/var/lib/postgresql/data",
    alias: "db",
  },
};

/** Contract variables the dev app does not get, each with the reason. */
const NOT_IN_DEV: Record<string, string> = {
  [ENV.CACHE_REDIS_URL]: "memory cache",
  [ENV.DATABASE_REPLICA_URL]: "no replica",
  [ENV.JAEGER_PORT]: "no tracing backend",
  [ENV.OPENAI_API_KEY]: "offline providers",
  [ENV.OPENAI_BASE_URL]: "model leaves it unset",
  [ENV.API_KEYS]: "requireApiKeys is false",
  [ENV.DATA_DIR]: "DATABASE_URL points at Postgres, so no PGlite directory",
  [ENV.METRICS_PORT]: "nothing public in front of it: /metrics stays on the app port",
  [ENV.SEARCH_MIN_SCORE]: "the app's own default relevance floor (docs/app.md), not a deployment knob",
  [ENV.CACHE_EMBEDDING_TTL]: "model leaves it unset: the app falls back to CACHE_DEFAULT_TTL",
  [ENV.CACHE_SEARCH_TTL]: "model leaves it unset: the app falls back to CACHE_DEFAULT_TTL",
  [ENV.CACHE_RAG_TTL]: "model leaves it unset: the app falls back to CACHE_DEFAULT_TTL",
  [ENV.DATABASE_URL_FILE]: "DATABASE_URL is passed as a variable: a container's env never changes anyway",
  [ENV.DATABASE_REPLICA_URL_FILE]: "no replica",
  [ENV.LOG_FILE_MAX_BYTES]: "the log file is on the host's bind mount, not a size-limited emptyDir",
};

let run: MockRunResult;
const container = (suffix: string): RegisteredResource => {
  const found = ofType(run, "docker:index/container:Container").find((c) => c.name.endsWith(suffix));
  if (!found) throw new Error(`no container *${suffix}`);
  return found;
};
const appEnv = () => envRecord(unwrapSecret(container("-app").inputs.envs));

beforeAll(async () => {
  run = await runStackWithSecrets("dev");
});

describe("dev stack on Docker", () => {
  it("creates one network, one data volume, the pgvector image, the app image and two containers", () => {
    expect(ofType(run, "docker:index/network:Network")).toHaveLength(1);
    expect(ofType(run, "docker:index/volume:Volume")).toHaveLength(1);
    expect(ofType(run, "docker:index/remoteImage:RemoteImage")).toHaveLength(1);
    expect(ofType(run, "docker:index/image:Image")).toHaveLength(1);
    expect(ofType(run, "docker:index/container:Container").map((c) => c.name)).toHaveLength(2);
    expect(ofType(run, "kubernetes:core/v1:Namespace")).toHaveLength(0);
  });

  it("runs the reference's pgvector image, pinned, with the data on the named volume", () => {
    const remote = ofType(run, "docker:index/remoteImage:RemoteImage")[0]!;
    const [repo, tag] = String(remote.inputs.name).split(":");
    expect(repo).toBe(REFERENCE_COMPOSE.db.imageRepository);
    expect(tag).toMatch(REFERENCE_COMPOSE.db.imageTag);
    const db = container("-db");
    expect(db.inputs.image).toMatch(/^sha256:[a-f0-9]{64}$/);
    const volume = ofType(run, "docker:index/volume:Volume")[0]!;
    expect(db.inputs.volumes).toEqual([
      { volumeName: volume.inputs.name, containerPath: REFERENCE_COMPOSE.db.dataPath },
    ]);
  });

  it("publishes Postgres on 5432 and the app on 8000, both on the stack's network", () => {
    const network = ofType(run, "docker:index/network:Network")[0]!.inputs.name;
    const db = container("-db");
    const app = container("-app");
    expect(db.inputs.ports).toEqual([
      { internal: REFERENCE_COMPOSE.db.port, external: REFERENCE_COMPOSE.db.port },
    ]);
    expect(app.inputs.ports).toEqual([
      { internal: REFERENCE_COMPOSE.app.port, external: REFERENCE_COMPOSE.app.port },
    ]);
    expect(db.inputs.networksAdvanced).toEqual([{ name: network, aliases: [REFERENCE_COMPOSE.db.alias] }]);
    expect(app.inputs.networksAdvanced).toEqual([{ name: network, aliases: [REFERENCE_COMPOSE.app.alias] }]);
  });

  it("creates the database and role from the model with the password from the dbPassword secret", () => {
    const env = envRecord(unwrapSecret(container("-db").inputs.envs));
    expect(env).toEqual({
      POSTGRES_DB: REFERENCE_COMPOSE.db.database,
      POSTGRES_USER: "mcp",
      POSTGRES_PASSWORD: TEST_SECRETS.dbPassword,
    });
  });

  it("health-checks Postgres with pg_isready and makes pulumi wait for it", () => {
    const db = container("-db");
    const hc = db.inputs.healthcheck as { tests: string[]; retries: number };
    expect(hc.tests[0]).toBe("CMD-SHELL");
    expect(hc.tests[1]).toMatch(/^pg_isready -U mcp -d mcp_dev\b/);
    expect(hc.retries).toBeGreaterThan(0);
    expect(db.inputs.wait).toBe(true);
    expect(db.inputs.waitTimeout).toBeGreaterThanOrEqual(60);
  });

  it("creates the app container only after the database container (which waits for healthy)", () => {
    const app = [...created.entries()].find(([name]) => name.endsWith("-app"));
    const db = [...created.entries()].find(([name]) => name.endsWith("-db"));
    expect(app && db).toBeTruthy();
    expect(app![1].opts?.dependsOn).toContain(db![1].self);
  });

  it("builds the app from the dev stage of app/Dockerfile with the repo root as context, never pushed", () => {
    const image = ofType(run, "docker:index/image:Image")[0]!;
    const build = image.inputs.build as { context: string; dockerfile: string; target: string };
    expect(build.target).toBe("dev");
    expect(build.dockerfile).toBe("app/Dockerfile");
    expect(existsSync(path.join(build.context, build.dockerfile))).toBe(true);
    expect(existsSync(path.join(build.context, "contract", "package.json"))).toBe(true);
    expect(image.inputs.skipPush).toBe(true);
    expect(container("-app").inputs.image).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it("mounts ./app for hot reload and ./logs, and runs tsx watch", () => {
    const app = container("-app");
    const volumes = app.inputs.volumes as { hostPath: string; containerPath: string }[];
    const image = ofType(run, "docker:index/image:Image")[0]!;
    const root = (image.inputs.build as { context: string }).context;
    const byTarget = Object.fromEntries(volumes.map((v) => [v.containerPath, v.hostPath]));
    expect(Object.keys(byTarget).sort()).toEqual(Object.keys(REFERENCE_COMPOSE.app.mounts).sort());
    for (const [target, host] of Object.entries(REFERENCE_COMPOSE.app.mounts)) {
      expect(path.isAbsolute(byTarget[target]!)).toBe(true);
      expect(byTarget[target]).toBe(path.join(root, host));
    }
    expect(app.inputs.command).toEqual(expect.arrayContaining(["tsx", "watch"]));
    expect(app.inputs.workingDir).toBe("/app");
  });

  it("restarts both containers unless stopped", () => {
    expect(container("-app").inputs.restart).toBe("unless-stopped");
    expect(container("-db").inputs.restart).toBe("unless-stopped");
  });

  it("gives the app the reference's development settings", () => {
    const env = appEnv();
    for (const [name, value] of Object.entries(REFERENCE_DEV_ENV))
      expect([name, env[name]]).toEqual([name, value]);
  });

  it("gives the app the model's runtime settings (one worker for hot reload, no rate limit)", () => {
    const env = appEnv();
    expect(env[ENV.WORKERS]).toBe("1");
    expect(env[ENV.RATE_LIMIT_PER_MINUTE]).toBe("0");
    expect(env[ENV.EMBEDDING_PROVIDER]).toBe("local");
    expect(env[ENV.PORT]).toBe("8000");
  });

  it("passes every contract variable except those dev has no use for", () => {
    const expected = Object.values(ENV)
      .filter((n) => !(n in NOT_IN_DEV))
      .sort();
    expect(Object.keys(appEnv()).sort()).toEqual(expected);
  });

  it("points DATABASE_URL at the db container with the secret password", () => {
    expect(appEnv()[ENV.DATABASE_URL]).toBe(`postgresql://mcp:${TEST_SECRETS.dbPassword}@db:5432/mcp_dev`);
  });

  it("keeps the database password out of every plain input and passes container envs as secrets", () => {
    for (const r of run.resources) {
      const leaks = plainStrings(r.inputs).filter((s) => s.includes(TEST_SECRETS.dbPassword));
      expect([r.type, r.name, leaks]).toEqual([r.type, r.name, []]);
    }
    for (const c of ofType(run, "docker:index/container:Container"))
      expect(() => unwrapSecret(c.inputs.envs)).not.toThrow();
  });

  it("exports the app URL and the database URL from the host", () => {
    expect(run.outputs.appUrl).toBe("http://localhost:8000");
    expect(run.outputs.databaseUrl).toBe(
      `postgresql://mcp:${TEST_SECRETS.dbPassword}@localhost:5432/mcp_dev`,
    );
    expect(run.outputs.target).toBe("docker");
  });
});

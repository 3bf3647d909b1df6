import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolveEnvironment } from "../../../environments/index.js";
import { renderCompose } from "../../../stacks/docker/compose.js";
import { TEST_SECRETS } from "../../helpers/stack.js";

const COMMITTED = readFileSync(new URL("../../../docker-compose.dev.yml", import.meta.url), "utf8");

/**
 * The reference's development compose file, transcribed: services, ports, mounts, volumes and the
 * environment it sets (plus the dev `.env` settings of the same section).
 */
const REFERENCE = {
  services: ["app", "db"],
  app: {
    ports: ["8000:8000"],
    volumes: ["./app:/app/app", "./logs:/app/logs"],
    environment: {
      LOG_LEVEL: "DEBUG",
      CACHE_BACKEND: "memory",
      USE_JSON_LOGS: "false",
      LOG_FILE: "logs/mcp-backend-dev.log",
      ENABLE_CONSOLE_TRACING: "true",
      CACHE_ENABLED: "true",
      CACHE_MAX_SIZE: "1000",
      CACHE_DEFAULT_TTL: "300",
      DB_POOL_SIZE: "5",
      DB_MAX_OVERFLOW: "10",
    },
    /** `postgresql://user:password@db:5432/mcp_dev`, with the password interpolated. */
    databaseUrl: /^postgresql:\/\/[a-z_]+:\$\{DB_PASSWORD:\?[^}]+\}@db:5432\/mcp_dev$/,
  },
  db: {
    imageRepository: "pgvector/pgvector",
    imageTag: /pg16$/,
    ports: ["5432:5432"],
    volumes: ["dev_db_data:/var/lib/postgresql/data"],
    database: "mcp_dev",
  },
  volumes: ["dev_db_data"],
};

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target: string };
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}
const compose = parse(COMMITTED) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const app = compose.services.app!;
const db = compose.services.db!;

describe("docker-compose.dev.yml", () => {
  it("is what scripts/render-compose.ts generates from the dev model (run npm run generate:compose)", () => {
    expect(COMMITTED).toBe(renderCompose(resolveEnvironment("dev", {})));
  });

  it("has the reference's services and named volume", () => {
    expect(Object.keys(compose.services).sort()).toEqual(REFERENCE.services);
    expect(Object.keys(compose.volumes)).toEqual(REFERENCE.volumes);
  });

  it("publishes the reference's ports", () => {
    expect(app.ports).toEqual(REFERENCE.app.ports);
    expect(db.ports).toEqual(REFERENCE.db.ports);
  });

  it("mounts the source for hot reload, the logs folder and the database volume like the reference", () => {
    expect(app.volumes).toEqual(REFERENCE.app.volumes);
    expect(db.volumes).toEqual(REFERENCE.db.volumes);
  });

  it("gives the app the reference's development environment", () => {
    expect(app.environment).toMatchObject(REFERENCE.app.environment);
    expect(app.environment?.DATABASE_URL).toMatch(REFERENCE.app.databaseUrl);
  });

  it("runs the pinned pgvector image for pg16 with the reference's database", () => {
    const [repo, tag] = String(db.image).split(":");
    expect(repo).toBe(REFERENCE.db.imageRepository);
    expect(tag).toMatch(REFERENCE.db.imageTag);
    expect(db.environment?.POSTGRES_DB).toBe(REFERENCE.db.database);
  });

  it("builds the app's dev stage and runs it with tsx watch (the reference's uvicorn --reload)", () => {
    expect(app.build).toEqual({ context: ".", dockerfile: "app/Dockerfile", target: "dev" });
    expect(app.command).toEqual(expect.arrayContaining(["tsx", "watch"]));
  });

  it("starts the app once pg_isready reports the database healthy", () => {
    expect(app.depends_on).toEqual({ db: { condition: "service_healthy" } });
    expect(db.healthcheck?.test.join(" ")).toMatch(/pg_isready/);
  });

  it("holds no password: the database password is a required shell variable", () => {
    // Compose syntax `${VAR:?message}`: refuses to start when DB_PASSWORD is unset.
    expect(db.environment?.POSTGRES_PASSWORD).toBe(["$", "{DB_PASSWORD:?set DB_PASSWORD}"].join(""));
    for (const secret of Object.values(TEST_SECRETS)) expect(COMMITTED).not.toContain(secret);
    expect(COMMITTED).not.toMatch(/password:\s*password/i);
  });

  it("escapes a literal $ in a setting so compose does not interpolate it", () => {
    const env = resolveEnvironment("dev", { logging: { file: "logs/$HOME.log" } });
    const rendered = parse(renderCompose(env)) as { services: Record<string, Service> };
    expect(rendered.services.app?.environment?.LOG_FILE).toBe("logs/$$HOME.log");
  });
});

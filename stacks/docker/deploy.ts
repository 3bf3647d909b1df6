import { fileURLToPath } from "node:url";
import { ENV, SERVICE_NAME } from "@mcp-stack/contract";
import * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { memoryBytes, type ResolvedEnvironment } from "../../environments/index.js";
import { DevApp, DevDatabase } from "../../infra/docker/index.js";
import { type ConfigChecklist, StackConfigError } from "../errors.js";
import type { StackSecrets } from "../stack-config.js";
import {
  APP_HOST,
  assertDockerSupported,
  DB_HOST,
  dockerAppSettings,
  postgresFlags,
  secretSettings,
} from "./app-settings.js";
import { CONTAINER_LAYOUT, DEV_COMMAND, DOCKERFILE, HOST_PATHS } from "./layout.js";

/** What a Docker deployment of an environment exports. */
export interface DockerOutputs {
  /** The app from the Docker host. */
  readonly appUrl: string;
  /** The database from the Docker host (secret: it carries the password). */
  readonly databaseUrl: pulumi.Output<string> | undefined;
  /** Local image ID of the dev build. */
  readonly image: pulumi.Output<string>;
}

/** Repo root: the build context and the base of the bind mounts (Docker needs absolute host paths). */
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/**
 * The reference's development compose file on a local Docker engine: a network, Postgres (pgvector)
 * with a named volume, and the app built from the Dockerfile's dev stage with hot reload.
 */
export function deployDocker(
  env: ResolvedEnvironment,
  secrets: StackSecrets,
  _config: pulumi.Config,
  /** Problems found before this target's own checks (missing secrets), reported with them. */
  checklist?: ConfigChecklist,
): DockerOutputs {
  checklist?.done();
  assertDockerSupported(env);
  const password = secrets.dbPassword;
  if (password === undefined)
    throw new StackConfigError(`${env.name}: the docker target needs the dbPassword secret`);
  const prefix = `${SERVICE_NAME}-${env.name}`;

  const network = new docker.Network(prefix, { name: prefix, driver: "bridge" });

  const db = new DevDatabase(`${prefix}-db`, {
    image: env.database.image,
    database: env.database.name,
    user: env.database.user,
    password,
    network: network.name,
    aliases: [DB_HOST],
    postgresArgs: postgresFlags(env),
    // shared_buffers and effective_cache_size derive from this memory; cap the container at it.
    memoryMb: Math.floor(memoryBytes(env.database.postgres.memory) / 2 ** 20),
  });

  const environment: Record<string, pulumi.Input<string>> = Object.fromEntries(dockerAppSettings(env));
  environment[ENV.DATABASE_URL] = db.url;
  for (const { name, secret } of secretSettings(env)) {
    const value = secrets[secret];
    if (value === undefined)
      throw new StackConfigError(`${env.name}: the app needs the ${secret} secret for ${name}`);
    environment[name] = value;
  }

  const app = new DevApp(
    `${prefix}-app`,
    {
      context: REPO_ROOT,
      dockerfile: DOCKERFILE.path,
      target: DOCKERFILE.devTarget,
      environment,
      network: network.name,
      aliases: [APP_HOST],
      mounts: [
        { hostPath: `${REPO_ROOT}/${HOST_PATHS.app}`, containerPath: CONTAINER_LAYOUT.appDir },
        { hostPath: `${REPO_ROOT}/${HOST_PATHS.logs}`, containerPath: CONTAINER_LAYOUT.logsDir },
      ],
      command: [...DEV_COMMAND],
      workingDir: CONTAINER_LAYOUT.root,
    },
    // Created only after the database container's create returned, i.e. after pg_isready passed.
    { dependsOn: [db.container] },
  );

  return { appUrl: app.url, databaseUrl: db.hostUrl, image: app.image };
}

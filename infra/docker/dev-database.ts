import { POSTGRES_PORT } from "@mcp-stack/contract";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../component-type.js";

export interface DevDatabaseArgs {
  /** Pinned Postgres image with pgvector, e.g. `pgvector/pgvector:0.8.0-pg16`. */
  readonly image: string;
  /** POSTGRES_DB: the database created on first start. */
  readonly database: string;
  /** POSTGRES_USER: the role created on first start (superuser of this throwaway server). */
  readonly user: string;
  /** POSTGRES_PASSWORD. Pass a secret Output; the container's environment is then secret as a whole. */
  readonly password: pulumi.Input<string>;
  /** Name of the Docker network to join. */
  readonly network: pulumi.Input<string>;
  /** Host names of the container on that network. Defaults to ["db"] (the reference's service name). */
  readonly aliases?: readonly string[];
  /** Host port published for Postgres, or null for none. Defaults to 5432 (the reference). */
  readonly hostPort?: number | null;
  /** Name of the named volume holding PGDATA. Defaults to `<name>-data`. */
  readonly volumeName?: string;
  /** Extra arguments to `postgres`, e.g. ["-c", "shared_buffers=256MB"]. Defaults to none. */
  readonly postgresArgs?: readonly string[];
  /** Memory limit in MB. Defaults to no limit. */
  readonly memoryMb?: number;
  /** Restart policy. Defaults to "unless-stopped". */
  readonly restart?: "no" | "on-failure" | "always" | "unless-stopped";
  /**
   * Seconds `pulumi up` waits for the healthcheck to pass before failing the create.
   * Defaults to 120 (first start runs initdb).
   */
  readonly waitTimeoutSeconds?: number;
}

/**
 * The readiness test of the Postgres container. Over TCP: during first-start initdb the entrypoint
 * runs a socket-only server, which a plain pg_isready would report ready before the real server listens.
 */
export function pgIsReady(user: string, database: string): string[] {
  return ["CMD-SHELL", `pg_isready -U ${user} -d ${database} -h 127.0.0.1`];
}

/** Healthcheck timing: checks every 5 s, unhealthy after 10 failures, 10 s grace for initdb. */
export const POSTGRES_HEALTHCHECK_TIMING = {
  interval: "5s",
  timeout: "5s",
  retries: 10,
  startPeriod: "10s",
} as const;

/** Check args before creating anything; the message names the field and the value. */
export function validateDevDatabaseArgs(args: DevDatabaseArgs): void {
  if (/:latest$/.test(args.image) || !/[:@]/.test(args.image.split("/").pop() ?? ""))
    throw new Error(`DevDatabase: image "${args.image}" must be pinned to a tag or digest, never latest`);
  if (args.hostPort != null && (args.hostPort < 1 || args.hostPort > 65535))
    throw new Error(`DevDatabase: hostPort ${args.hostPort} is not a port (1-65535)`);
}

/**
 * Postgres with pgvector for development, as the reference's compose `db` service: a named volume for
 * its data, the database and role from the model, a published port, and a `pg_isready` healthcheck
 * that `pulumi up` waits on (`wait: true`) so dependants start against a ready server.
 */
export class DevDatabase extends pulumi.ComponentResource {
  /** The container; make dependants `dependsOn` it to start them after Postgres is healthy. */
  public readonly container: docker.Container;
  /** Name of the data volume. */
  public readonly volumeName: pulumi.Output<string>;
  /** Host name on the network (first alias). */
  public readonly host: string;
  /** Connection URL from containers on the same network (secret). */
  public readonly url: pulumi.Output<string>;
  /** Connection URL from the Docker host via the published port (secret), or undefined when unpublished. */
  public readonly hostUrl: pulumi.Output<string> | undefined;

  constructor(name: string, args: DevDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("DevDatabase"), name, {}, componentOptions("DevDatabase", opts));
    validateDevDatabaseArgs(args);
    const aliases = args.aliases ?? ["db"];
    const hostPort = args.hostPort === undefined ? POSTGRES_PORT : args.hostPort;
    this.host = aliases[0] ?? name;

    const volume = new docker.Volume(
      `${name}-data`,
      { name: args.volumeName ?? `${name}-data` },
      { parent: this },
    );
    this.volumeName = volume.name;

    const image = new docker.RemoteImage(name, { name: args.image, keepLocally: true }, { parent: this });
    const password = pulumi.secret(args.password);
    const envs = pulumi
      .all([password])
      .apply(([pw]) => [
        `POSTGRES_DB=${args.database}`,
        `POSTGRES_USER=${args.user}`,
        `POSTGRES_PASSWORD=${pw}`,
      ]);

    this.container = new docker.Container(
      name,
      {
        name,
        image: image.imageId,
        envs,
        command: args.postgresArgs?.length ? ["postgres", ...args.postgresArgs] : undefined,
        networksAdvanced: [{ name: args.network, aliases: [...aliases] }],
        ports: hostPort === null ? [] : [{ internal: POSTGRES_PORT, external: hostPort }],
        volumes: [{ volumeName: volume.name, containerPath: "/var/lib/postgresql/data" }],
        memory: args.memoryMb,
        restart: args.restart ?? "unless-stopped",
        healthcheck: { tests: pgIsReady(args.user, args.database), ...POSTGRES_HEALTHCHECK_TIMING },
        // The provider's create returns only once the healthcheck passes, so anything that dependsOn this
        // container is created against a database that accepts connections.
        wait: true,
        waitTimeout: args.waitTimeoutSeconds ?? 120,
      },
      // A fixed name and a fixed host port cannot exist twice: replace by deleting first.
      { parent: this, deleteBeforeReplace: true },
    );

    const encoded = password.apply(encodeURIComponent);
    const url = (host: string, port: number) =>
      pulumi.secret(
        pulumi.interpolate`postgresql://${args.user}:${encoded}@${host}:${port}/${args.database}`,
      );
    this.url = url(this.host, POSTGRES_PORT);
    this.hostUrl = hostPort === null ? undefined : url("localhost", hostPort);
    this.registerOutputs({ volumeName: this.volumeName, url: this.url, hostUrl: this.hostUrl });
  }
}

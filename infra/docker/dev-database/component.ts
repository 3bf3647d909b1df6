import { POSTGRES_PORT } from "@mcp-stack/contract";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { assertValid, portIssues } from "../../lib/validation.js";
import type { RestartPolicy } from "../lib/restart-policy.js";

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
  readonly aliases?: string[];
  /** Publish Postgres on a host port. Defaults to true; false keeps it on the Docker network only. */
  readonly publishPort?: boolean;
  /** Host port published for Postgres. Defaults to 5432 (the reference). Needs `publishPort`. */
  readonly hostPort?: number;
  /** Name of the named volume holding PGDATA. Defaults to `<name>-data`. */
  readonly volumeName?: string;
  /** Extra arguments to `postgres`, e.g. ["-c", "shared_buffers=256MB"]. Defaults to none. */
  readonly postgresArgs?: string[];
  /** Memory limit in MB. Defaults to no limit. */
  readonly memoryMb?: number;
  /** Restart policy. Defaults to "unless-stopped". */
  readonly restart?: RestartPolicy;
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

/** Invariants of {@link DevDatabaseArgs}; [] when valid. */
export function validateDevDatabaseArgs(args: DevDatabaseArgs): string[] {
  const issues: string[] = [];
  if (/:latest$/.test(args.image) || !/[:@]/.test(args.image.split("/").pop() ?? ""))
    issues.push(`image "${args.image}" must be pinned to a tag or digest, never latest`);
  issues.push(...portIssues("hostPort", args.hostPort));
  if (args.publishPort === false && args.hostPort !== undefined)
    issues.push("hostPort is set but publishPort is false: drop hostPort, or publish the port");
  if (args.aliases !== undefined && args.aliases.length === 0)
    issues.push('aliases must not be empty; omit it for ["db"]');
  if (args.memoryMb !== undefined && !(Number.isInteger(args.memoryMb) && args.memoryMb > 0))
    issues.push(`memoryMb ${args.memoryMb} must be a positive whole number of MB`);
  return issues;
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
    assertValid("DevDatabase", validateDevDatabaseArgs(args));
    const aliases = args.aliases ?? ["db"];
    const hostPort = args.publishPort === false ? undefined : (args.hostPort ?? POSTGRES_PORT);
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
        ports: hostPort === undefined ? [] : [{ internal: POSTGRES_PORT, external: hostPort }],
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
    this.hostUrl = hostPort === undefined ? undefined : url("localhost", hostPort);
    this.registerOutputs({ volumeName: this.volumeName, url: this.url, hostUrl: this.hostUrl });
  }
}

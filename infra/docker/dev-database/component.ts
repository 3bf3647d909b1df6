import { POSTGRES_PORT } from "@mcp-stack/contract";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { assertValid } from "../../lib/validation.js";
import { type DevDatabaseArgs, validateDevDatabaseArgs } from "./args.js";
import { POSTGRES_HEALTHCHECK_TIMING, pgIsReady } from "./objects.js";

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

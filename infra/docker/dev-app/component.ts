import { APP_PORT, IMAGE_NAME } from "@mcp-stack/contract";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { assertValid, portIssues } from "../../lib/validation.js";
import { AppImage } from "../app-image/component.js";
import type { RestartPolicy } from "../lib/restart-policy.js";

/** A host directory bind-mounted into the container. */
export interface BindMount {
  /** Absolute path on the Docker host. */
  readonly hostPath: string;
  /** Absolute path in the container. */
  readonly containerPath: string;
  /** Defaults to false. */
  readonly readOnly?: boolean;
}

export interface DevAppArgs {
  /** Build context: the repo root (absolute path). */
  readonly context: string;
  /** Dockerfile, relative to the context. Defaults to "app/Dockerfile". */
  readonly dockerfile?: string;
  /** Dockerfile stage to build. Defaults to "dev" (devDependencies, `tsx watch`). */
  readonly target?: string;
  /** Local image name. Defaults to `mcp-backend:dev`. */
  readonly imageName?: string;
  /**
   * Environment variables. Pass secret Outputs for credentials: the whole list then becomes a secret,
   * which keeps them out of plain state and previews.
   */
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Name of the Docker network to join. */
  readonly network: pulumi.Input<string>;
  /** Host names of the container on the network. Defaults to ["app"] (the reference's service name). */
  readonly aliases?: string[];
  /** Port the app listens on in the container. Defaults to APP_PORT (8000). */
  readonly port?: number;
  /** Host port published for the app. Defaults to the container port. */
  readonly hostPort?: number;
  /** Bind mounts (source for hot reload, logs). Defaults to none. */
  readonly mounts?: BindMount[];
  /** Command. Defaults to the image's CMD. */
  readonly command?: string[];
  /** Working directory. Defaults to the image's WORKDIR. */
  readonly workingDir?: string;
  /** Restart policy. Defaults to "unless-stopped". */
  readonly restart?: RestartPolicy;
}

/** Invariants of {@link DevAppArgs}; [] when valid. */
export function validateDevAppArgs(args: DevAppArgs): string[] {
  const issues: string[] = [];
  (args.mounts ?? []).forEach((m, i) => {
    if (!m.hostPath.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(m.hostPath))
      issues.push(
        `mounts[${i}].hostPath "${m.hostPath}" must be absolute (Docker resolves no relative paths)`,
      );
    if (!m.containerPath.startsWith("/"))
      issues.push(`mounts[${i}].containerPath "${m.containerPath}" must be absolute`);
  });
  issues.push(...portIssues("port", args.port), ...portIssues("hostPort", args.hostPort));
  if (args.aliases !== undefined && args.aliases.length === 0)
    issues.push('aliases must not be empty; omit it for ["app"]');
  return issues;
}

/**
 * The app for development, as the reference's compose `app` service: built from the Dockerfile's dev
 * stage on the local engine (never pushed), source bind-mounted for hot reload, port published. The
 * component's `dependsOn` also orders the container (e.g. after a DevDatabase's container, which waits
 * for its healthcheck).
 */
export class DevApp extends pulumi.ComponentResource {
  /** Local image ID of the dev build; a rebuild replaces the container. */
  public readonly image: pulumi.Output<string>;
  public readonly container: docker.Container;
  /** URL of the app from the Docker host. */
  public readonly url: string;

  constructor(name: string, args: DevAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("DevApp"), name, {}, componentOptions("DevApp", opts));
    assertValid("DevApp", validateDevAppArgs(args));
    const port = args.port ?? APP_PORT;
    const hostPort = args.hostPort ?? port;

    const image = new AppImage(
      name,
      {
        imageName: args.imageName ?? `${IMAGE_NAME}:dev`,
        context: args.context,
        dockerfile: args.dockerfile,
        target: args.target ?? "dev",
        nativePlatform: true,
        push: false,
      },
      { parent: this },
    );
    this.image = image.ref;

    const envs = pulumi
      .output(args.environment)
      .apply((vars) => Object.entries(vars).map(([k, v]) => `${k}=${v}`));

    this.container = new docker.Container(
      name,
      {
        name,
        image: image.ref,
        envs,
        command: args.command ? [...args.command] : undefined,
        workingDir: args.workingDir,
        networksAdvanced: [{ name: args.network, aliases: [...(args.aliases ?? ["app"])] }],
        ports: [{ internal: port, external: hostPort }],
        volumes: (args.mounts ?? []).map((m) => ({
          hostPath: m.hostPath,
          containerPath: m.containerPath,
          readOnly: m.readOnly ?? false,
        })),
        restart: args.restart ?? "unless-stopped",
      },
      // A fixed name and host port cannot exist twice: replace by deleting first.
      // The component's own dependsOn orders only the component; the container is what must wait.
      { parent: this, deleteBeforeReplace: true, dependsOn: opts?.dependsOn },
    );
    this.url = `http://localhost:${hostPort}`;
    this.registerOutputs({ image: this.image, url: this.url });
  }
}

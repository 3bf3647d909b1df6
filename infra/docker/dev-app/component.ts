import { APP_PORT, IMAGE_NAME } from "@mcp-stack/contract";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { plainItems } from "../../lib/plain-items.js";
import { assertValid } from "../../lib/validation.js";
import { AppImage } from "../app-image/component.js";
import { type DevAppArgs, validateDevAppArgs } from "./args.js";

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
        volumes: plainItems(args.mounts).map((m) => ({
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

import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { assertValid } from "../../lib/validation.js";
import { type AppImageArgs, validateAppImageArgs } from "./args.js";

/**
 * The app image built from app/Dockerfile. `ref` is the digest reference of the build (pushed:
 * `repo@sha256:…`, local: the image ID), so workloads that use it roll out whenever the image changes,
 * which a reused tag would not do.
 */
export class AppImage extends pulumi.ComponentResource {
  /** The image name with its tag, as pushed. */
  public readonly imageName: pulumi.Output<string>;
  /** Digest reference: what containers and Deployments should run. */
  public readonly ref: pulumi.Output<string>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("AppImage"), name, {}, componentOptions("AppImage", opts));
    assertValid("AppImage", validateAppImageArgs(args));
    const push = args.push ?? true;
    const image = new docker.Image(
      name,
      {
        imageName: args.imageName,
        build: {
          context: args.context,
          dockerfile: args.dockerfile ?? "app/Dockerfile",
          target: args.target ?? "runtime",
          platform: args.nativePlatform ? undefined : (args.platform ?? "linux/amd64"),
        },
        skipPush: !push,
        registry: args.registry && {
          server: args.registry.server,
          username: args.registry.username,
          password: pulumi.secret(args.registry.password),
        },
      },
      { parent: this },
    );
    this.imageName = image.imageName;
    this.ref = image.repoDigest;
    this.registerOutputs({ imageName: this.imageName, ref: this.ref });
  }
}

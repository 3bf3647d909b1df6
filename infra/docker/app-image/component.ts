import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { assertValid } from "../../lib/validation.js";

/** Credentials for pushing to a registry. */
export interface RegistryCredentials {
  /** Registry host, e.g. `ghcr.io`. */
  readonly server: string;
  /** Registry user name. */
  readonly username: pulumi.Input<string>;
  /** Pass a secret Output. */
  readonly password: pulumi.Input<string>;
}

export interface AppImageArgs {
  /** Full image name with tag, e.g. `ghcr.io/acme/mcp-backend:1.0.0`. */
  readonly imageName: string;
  /** Build context directory. The app needs the repo root (it imports `monitoring/` at runtime). */
  readonly context: string;
  /** Dockerfile path, relative to the context. Defaults to "app/Dockerfile". */
  readonly dockerfile?: string;
  /** Build target (stage). Defaults to "runtime". */
  readonly target?: string;
  /** Platform to build for. Defaults to "linux/amd64" (what clusters run). Conflicts with `nativePlatform`. */
  readonly platform?: string;
  /**
   * Build for the Docker engine's own platform (dev on an arm64 laptop, without emulation) instead of
   * `platform`. Defaults to false.
   */
  readonly nativePlatform?: boolean;
  /**
   * Registry to push to. Defaults to none: the image is pushed with the Docker CLI's stored
   * credentials, unless `push` is false.
   */
  readonly registry?: RegistryCredentials;
  /** Push after building. Defaults to true; false keeps the image on the local engine (dev). */
  readonly push?: boolean;
}

/** Invariants of {@link AppImageArgs}; [] when valid. */
export function validateAppImageArgs(args: AppImageArgs): string[] {
  const issues: string[] = [];
  if (args.imageName.trim() === "") issues.push("imageName must not be empty");
  if (args.platform !== undefined && args.nativePlatform)
    issues.push("platform conflicts with nativePlatform: give a platform, or build for the engine's own");
  if (args.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(args.platform))
    issues.push(`platform "${args.platform}" is not an os/arch platform such as linux/amd64`);
  return issues;
}

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

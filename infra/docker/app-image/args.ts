import type * as pulumi from "@pulumi/pulumi";

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

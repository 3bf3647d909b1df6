import { fileURLToPath } from "node:url";
import { IMAGE_NAME } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { type ResolvedEnvironment, SECRET_KEYS } from "../environments/index.js";
import { AppImage } from "../infra/docker/index.js";
import { DOCKERFILE } from "./docker/layout.js";
import { StackConfigError } from "./errors.js";

/** Stack config keys (under `mcp-stack:`) that choose where the app image comes from. */
export const IMAGE_CONFIG_KEYS = {
  /** A prebuilt image reference, used as is (CI built and pushed it). */
  image: "image",
  /** Registry and namespace to push the built image to, e.g. `ghcr.io/acme`. */
  registry: "imageRegistry",
  /** User for the registry; its password is the `registryPassword` secret. */
  username: "registryUsername",
  /** Secret: password or token for the registry. */
  password: SECRET_KEYS.registryPassword,
} as const;

/** The image-related stack config, read once. */
export interface ImageConfig {
  readonly image?: string;
  readonly registry?: string;
  readonly username?: string;
  readonly hasPassword: boolean;
}

/** Where the workloads' image comes from. */
export type ImageSource =
  /** `mcp-stack:image`: taken as is. */
  | { readonly kind: "prebuilt"; readonly ref: string }
  /** `mcp-stack:imageRegistry`: built from app/Dockerfile and pushed; workloads run the pushed digest. */
  | {
      readonly kind: "build";
      readonly imageName: string;
      readonly server: string;
      /** Whether stack config carries credentials; if not, the Docker CLI's stored login is used. */
      readonly credentials: boolean;
    }
  /** Neither: the bare `mcp-backend:<version>` (rendering, a local cluster with a side-loaded image). */
  | { readonly kind: "unconfigured"; readonly ref: string };

/** A reference is pinned when its last path segment carries a digest or a tag other than `latest`. */
function isPinned(ref: string): boolean {
  const last = ref.split("/").pop() ?? "";
  if (/@sha256:[a-f0-9]{64}$/.test(last)) return true;
  const tag = /:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(last)?.[1];
  return tag !== undefined && tag !== "latest";
}

/** Registry host of `ghcr.io/acme`, `localhost:5000/x`; Docker Hub for a bare namespace (`acme`). */
export function registryServer(registry: string): string {
  const first = registry.split("/")[0] ?? "";
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
}

/**
 * Decide the image source from config, before anything is created. Throws with the config keys to set
 * or unset when the combination is contradictory or incomplete.
 */
export function imageSource(
  env: Pick<ResolvedEnvironment, "name" | "version"> & {
    readonly kubernetes: Pick<ResolvedEnvironment["kubernetes"], "sideLoadedImage">;
  },
  cfg: ImageConfig,
): ImageSource {
  const k = IMAGE_CONFIG_KEYS;
  if (cfg.image !== undefined && cfg.registry !== undefined)
    throw new StackConfigError(
      `${env.name}: set either mcp-stack:${k.image} (a prebuilt image) or mcp-stack:${k.registry} (build and push), not both`,
    );
  if (cfg.image !== undefined) {
    if (!isPinned(cfg.image))
      throw new StackConfigError(
        `${env.name}: mcp-stack:${k.image} "${cfg.image}" must carry a tag other than latest or an @sha256 digest`,
      );
    return { kind: "prebuilt", ref: cfg.image };
  }
  if (cfg.registry !== undefined) {
    if (!/^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/.test(cfg.registry))
      throw new StackConfigError(
        `${env.name}: mcp-stack:${k.registry} "${cfg.registry}" must be a registry and namespace such as ghcr.io/acme (no scheme, tag or trailing slash)`,
      );
    if ((cfg.username === undefined) !== !cfg.hasPassword)
      throw new StackConfigError(
        cfg.username === undefined
          ? `${env.name}: mcp-stack:${k.password} is set but mcp-stack:${k.username} is not; run: pulumi config set mcp-stack:${k.username} <user>`
          : `${env.name}: mcp-stack:${k.username} is set but the secret is missing; run: pulumi config set --secret mcp-stack:${k.password} <token>`,
      );
    return {
      kind: "build",
      imageName: `${cfg.registry}/${IMAGE_NAME}:${env.version}`,
      server: registryServer(cfg.registry),
      credentials: cfg.username !== undefined,
    };
  }
  if (!env.kubernetes.sideLoadedImage)
    // The bare name would make every pod wait in ImagePullBackOff until the rollout times out.
    throw new StackConfigError(
      `${env.name}: no app image configured; run one of:\n` +
        `  pulumi config set mcp-stack:${k.registry} <registry>/<namespace>   # build app/Dockerfile and push (e.g. ghcr.io/acme)\n` +
        `  pulumi config set mcp-stack:${k.image} <image>@sha256:<digest>     # or a prebuilt, pinned image`,
    );
  return { kind: "unconfigured", ref: `${IMAGE_NAME}:${env.version}` };
}

/** Read the image keys of stack config. */
export function readImageConfig(config: pulumi.Config): ImageConfig {
  return {
    image: config.get(IMAGE_CONFIG_KEYS.image),
    registry: config.get(IMAGE_CONFIG_KEYS.registry),
    username: config.get(IMAGE_CONFIG_KEYS.username),
    hasPassword: config.getSecret(IMAGE_CONFIG_KEYS.password) !== undefined,
  };
}

/** Build context: the repo root, because the app image holds the app and contract workspaces. */
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/**
 * The image reference the workloads run: the pushed digest of a build (so every new build rolls
 * out), a prebuilt reference from config, or — with neither, on a cluster that side-loads images
 * (kind, minikube) — `mcp-backend:<version>` and a warning. Anywhere else neither is an error.
 */
export function appImage(env: ResolvedEnvironment, config: pulumi.Config): pulumi.Output<string> {
  const source = imageSource(env, readImageConfig(config));
  switch (source.kind) {
    case "prebuilt":
      return pulumi.output(source.ref);
    case "unconfigured":
      pulumi.log.warn(
        `${env.name}: no mcp-stack:${IMAGE_CONFIG_KEYS.registry} or mcp-stack:${IMAGE_CONFIG_KEYS.image} configured; ` +
          `workloads run "${source.ref}", which must be loaded into the cluster (kind load docker-image, minikube image load)`,
      );
      return pulumi.output(source.ref);
    case "build": {
      const password = config.getSecret(IMAGE_CONFIG_KEYS.password);
      const username = config.get(IMAGE_CONFIG_KEYS.username);
      const image = new AppImage(IMAGE_NAME, {
        imageName: source.imageName,
        context: REPO_ROOT,
        dockerfile: DOCKERFILE.path,
        target: DOCKERFILE.runtimeTarget,
        registry:
          source.credentials && password !== undefined && username !== undefined
            ? { server: source.server, username, password }
            : undefined,
      });
      return image.ref;
    }
  }
}

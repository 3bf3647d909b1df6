import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../environments/index.js";
import type { StackSecrets } from "./config.js";

/** What a Docker deployment of an environment exports. */
export type DockerOutputs = Record<string, never>;

/** Compose the local Docker resources of an environment (dev). */
export function deployDocker(
  _env: ResolvedEnvironment,
  _secrets: StackSecrets,
  _config: pulumi.Config,
): DockerOutputs {
  return {};
}

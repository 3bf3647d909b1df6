import * as pulumi from "@pulumi/pulumi";
import { IMAGE_NAME } from "../app/src/contract.js";
import type { ResolvedEnvironment } from "../environments/index.js";

/**
 * The app image reference the workloads run. For now the version tag; the image issue replaces this
 * with a built-and-pushed docker.Image digest or a prebuilt reference from stack config.
 */
export function appImage(env: ResolvedEnvironment, _config: pulumi.Config): pulumi.Output<string> {
  return pulumi.output(`${IMAGE_NAME}:${env.version}`);
}

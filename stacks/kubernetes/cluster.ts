import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import { StackConfigError } from "../errors.js";

/** Stack config keys (under `mcp-stack:`) that name the target cluster. */
export const CLUSTER_CONFIG_KEYS = {
  /** A context of the kubeconfig the Pulumi CLI sees (`~/.kube/config` or `$KUBECONFIG`). */
  context: "kubeContext",
  /** Secret: a whole kubeconfig (contents or a path), e.g. in CI; may be combined with a context. */
  kubeconfig: "kubeconfig",
} as const;

/** What stack config says about the cluster, read once. */
export interface ClusterConfig {
  readonly context?: string;
  readonly kubeconfig?: pulumi.Output<string>;
}

export function readClusterConfig(config: pulumi.Config): ClusterConfig {
  // Pulumi.yaml gives kubeContext the default "" so the CLI never asks for it on dev: empty = unset.
  const context = config.get(CLUSTER_CONFIG_KEYS.context) || undefined;
  return { context, kubeconfig: config.getSecret(CLUSTER_CONFIG_KEYS.kubeconfig) };
}

/**
 * Stop unless the stack names its cluster. Without this, a provider with neither kubeconfig nor context
 * falls back to the current kubectl context: whichever cluster the operator last used.
 */
export function assertClusterNamed(env: Pick<ResolvedEnvironment, "name">, cluster: ClusterConfig): void {
  if (cluster.context !== undefined || cluster.kubeconfig !== undefined) return;
  const k = CLUSTER_CONFIG_KEYS;
  throw new StackConfigError(
    `${env.name}: no cluster named; run one of:\n` +
      `  pulumi config set mcp-stack:${k.context} <context>\n` +
      `  pulumi config set --secret mcp-stack:${k.kubeconfig} "$(cat <kubeconfig file>)"`,
  );
}

/**
 * The one Kubernetes provider of a stack. Every Kubernetes resource gets it through its parent chain
 * (the environment's Namespace component), and Pulumi.yaml disables the default provider, so a
 * resource that escaped the chain fails instead of landing on another cluster.
 */
export function clusterProvider(env: ResolvedEnvironment, cluster: ClusterConfig): k8s.Provider {
  assertClusterNamed(env, cluster);
  return new k8s.Provider(`${env.name}-cluster`, {
    context: cluster.context,
    kubeconfig: cluster.kubeconfig,
    // Objects carry their namespace explicitly; a provider-wide default would hide a missing one.
    namespace: undefined,
  });
}

import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../environments/index.js";
import { EnvironmentNamespace } from "../infra/index.js";
import type { StackSecrets } from "./config.js";

/** What a Kubernetes deployment of an environment exports. */
export interface KubernetesOutputs {
  readonly namespace: pulumi.Output<string>;
}

/** Compose the infra components of an environment on Kubernetes. */
export function deployKubernetes(env: ResolvedEnvironment, _secrets: StackSecrets): KubernetesOutputs {
  const namespace = new EnvironmentNamespace(env.kubernetes.namespace, {
    name: env.kubernetes.namespace,
    labels: { "app.kubernetes.io/part-of": "mcp-stack", environment: env.name },
  });
  return { namespace: namespace.name };
}

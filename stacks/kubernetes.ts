import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../environments/index.js";
import { EnvironmentNamespace } from "../infra/index.js";
import type { StackSecrets } from "./config.js";
import { appImage } from "./image.js";
import { deployAppTier } from "./kubernetes/app-tier.js";
import { deployMonitoring } from "./kubernetes/monitoring.js";

/** Compose the infra components of an environment on Kubernetes. */
export function deployKubernetes(env: ResolvedEnvironment, secrets: StackSecrets, config: pulumi.Config) {
  const ns = new EnvironmentNamespace(env.kubernetes.namespace, {
    name: env.kubernetes.namespace,
    labels: { "app.kubernetes.io/part-of": "mcp-stack", environment: env.name },
  });
  const image = appImage(env, config);
  const app = deployAppTier({ env, secrets, namespace: ns.name, image, parent: ns });
  const monitoring = deployMonitoring({ env, secrets, namespace: ns.name, parent: ns });
  return { namespace: ns.name, image, ...app, ...monitoring };
}

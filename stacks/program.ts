import type * as pulumi from "@pulumi/pulumi";
import { deployDocker } from "./docker/deploy.js";
import { ConfigChecklist } from "./errors.js";
import { deployKubernetes } from "./kubernetes/deploy.js";
import { loadEnvironment, readSecrets } from "./stack-config.js";

/**
 * The whole program behind `pulumi up -s <stack>`: resolve the environment from the stack name and
 * config, then deploy it to its target. Tests and `npm run render` call this under Pulumi's mocks.
 */
export function runStack(stackName: string, config: pulumi.Config) {
  const env = loadEnvironment(stackName, config);
  // Every missing key of this run in one error, before any resource is registered.
  const checklist = new ConfigChecklist(env.name);
  const secrets = readSecrets(config, env, checklist);
  const deployed =
    env.target === "docker"
      ? deployDocker(env, secrets, config, checklist)
      : deployKubernetes(env, secrets, config, checklist);
  return { environment: env.name, target: env.target, version: env.version, ...deployed };
}

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IMAGE_NAME } from "@mcp-stack/contract";
import { ENVIRONMENT_NAMES, type EnvironmentName, resolveEnvironment } from "../environments/index.js";
import type { PackConfig } from "../policy/config.js";

/**
 * Each reference environment's `--policy-pack-config` file,
 * policy/config/<env>.json, written from its model. The pack reads only these files, so what an owner
 * declared is judged against what the program deploys, whatever `--set` overrides it ran with.
 */

export const POLICY_CONFIG_DIR = join(import.meta.dirname, "..", "policy", "config");

/** What an environment's model declares, as the pack's config. */
export function packConfig(env: EnvironmentName): PackConfig {
  const model = resolveEnvironment(env, {});
  return {
    // The app's Service is the only one a model can expose.
    "load-balancers-only-where-asked": {
      services: model.kubernetes.serviceType === "LoadBalancer" ? [IMAGE_NAME] : [],
    },
    "network-policy-coverage": { required: model.kubernetes.networkPolicies },
    "mesh-default-deny": { mesh: model.mesh },
    "protect-prod-data": { protectData: model.kubernetes.protectData },
  };
}

export const policyConfigFile = (env: EnvironmentName) => join(POLICY_CONFIG_DIR, `${env}.json`);
export const policyConfigText = (env: EnvironmentName) => `${JSON.stringify(packConfig(env), null, 2)}\n`;

/** The files that differ from what the models say now. */
export function stalePolicyConfigs(): string[] {
  return ENVIRONMENT_NAMES.filter((env) => {
    try {
      return readFileSync(policyConfigFile(env), "utf8") !== policyConfigText(env);
    } catch {
      return true;
    }
  }).map((env) => `policy/config/${env}.json`);
}

/** Write every environment's file. */
export function writePolicyConfigs(): void {
  for (const env of ENVIRONMENT_NAMES) writeFileSync(policyConfigFile(env), policyConfigText(env));
}

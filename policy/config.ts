import type { PolicyConfigSchema } from "@pulumi/policy";
import { z } from "zod";

/**
 * The pack's own config (CrossGuard policy config): what a stack asks of the rules that differ between
 * environments. A policy reads it and the resources, never an environment model, so it judges what a
 * stack deploys against what its owner declared in `--policy-pack-config <file>`, whatever overrides the
 * program ran with. Without a file every policy takes the defaults below: no LoadBalancer anywhere, and
 * the other rules only where the stack itself shows it opted in (a NetworkPolicy, an injected namespace).
 * policy/config/<env>.json holds each reference environment's file (`npm run generate`).
 */

const MESHES = ["none", "linkerd", "istio"] as const;

/** Per policy: the zod schema the config is parsed with and the JSON schema the engine validates. */
export const POLICY_CONFIG = {
  "load-balancers-only-where-asked": {
    zod: z.strictObject({ services: z.array(z.string().min(1)).default([]) }),
    json: {
      properties: {
        services: {
          type: "array",
          items: { type: "string", minLength: 1 },
          default: [],
          description: "The Services (by name) that may be of type LoadBalancer.",
        },
      },
    },
  },
  "network-policy-coverage": {
    zod: z.strictObject({ required: z.boolean().default(false) }),
    json: {
      properties: {
        required: {
          type: "boolean",
          default: false,
          description: "Every pod must be covered by a NetworkPolicy even where the stack has none.",
        },
      },
    },
  },
  "mesh-default-deny": {
    zod: z.strictObject({ mesh: z.enum(MESHES).default("none") }),
    json: {
      properties: {
        mesh: {
          type: "string",
          enum: [...MESHES],
          default: "none",
          description: "The service mesh the namespace must be injected for.",
        },
      },
    },
  },
  "protect-prod-data": {
    zod: z.strictObject({ protectData: z.boolean().default(false) }),
    json: {
      properties: {
        protectData: {
          type: "boolean",
          default: false,
          description: "Every data-bearing resource must be protected.",
        },
      },
    },
  },
} as const satisfies Record<string, { zod: z.ZodType; json: PolicyConfigSchema }>;

export type ConfiguredPolicy = keyof typeof POLICY_CONFIG;
export type PolicyConfig<P extends ConfiguredPolicy> = z.output<(typeof POLICY_CONFIG)[P]["zod"]>;
/** A `--policy-pack-config` file: each configured policy's values, any left out taking its defaults. */
export type PackConfig = { readonly [P in ConfiguredPolicy]?: z.input<(typeof POLICY_CONFIG)[P]["zod"]> };

/** A policy's config as the engine hands it over, checked: a wrong or unknown key says which and where. */
export function parsePolicyConfig<P extends ConfiguredPolicy>(policy: P, raw: unknown): PolicyConfig<P> {
  const { enforcementLevel: _level, ...values } = (raw ?? {}) as Record<string, unknown>;
  const parsed = POLICY_CONFIG[policy].zod.safeParse(values);
  if (parsed.success) return parsed.data as PolicyConfig<P>;
  const issues = parsed.error.issues.map((i) => `${[policy, ...i.path].join(".")}: ${i.message}`);
  throw new Error(
    `policy pack config for ${policy} is invalid (${issues.join("; ")}); fix the --policy-pack-config file (policy/config/<env>.json shows the shape)`,
  );
}

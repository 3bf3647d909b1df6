/**
 * Typed Istio security resources (`security.istio.io/v1`): interfaces and strict zod schemas of the
 * fields this project sets. Checked against istio/api v1.30.3 (kubernetes/customresourcedefinitions.gen.yaml)
 * and, in tests, @kubernetes-models/istio 3.0.1 (generated from Istio 1.29.2's CRDs).
 */
import { z } from "zod";
import { type CrMetadata, metadataSchema } from "../crds/metadata.js";
import { schemaIssues } from "../schema-issues.js";

export const ISTIO_SECURITY_API_VERSION = "security.istio.io/v1";

export type MtlsMode = "UNSET" | "DISABLE" | "PERMISSIVE" | "STRICT";

interface WorkloadSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
}

/** PeerAuthentication: which mTLS mode the sidecars accept inbound. */
export interface PeerAuthentication {
  readonly apiVersion: typeof ISTIO_SECURITY_API_VERSION;
  readonly kind: "PeerAuthentication";
  readonly metadata: CrMetadata;
  readonly spec: {
    /** Omitted = every workload of the namespace. */
    readonly selector?: WorkloadSelector;
    readonly mtls: { readonly mode: MtlsMode };
    /** Container port (as a string key) → mode; only valid with a selector. */
    readonly portLevelMtls?: Readonly<Record<string, { readonly mode: MtlsMode }>>;
  };
}

export interface AuthorizationRule {
  /** Omitted = any source, authenticated or not. */
  readonly from?: readonly { readonly source: { readonly principals: readonly string[] } }[];
  readonly to: readonly { readonly operation: { readonly ports: readonly string[] } }[];
}

/** AuthorizationPolicy. An empty spec (ALLOW with no rules) matches nothing: it denies everything. */
export interface AuthorizationPolicy {
  readonly apiVersion: typeof ISTIO_SECURITY_API_VERSION;
  readonly kind: "AuthorizationPolicy";
  readonly metadata: CrMetadata;
  readonly spec: {
    readonly selector?: WorkloadSelector;
    readonly action?: "ALLOW";
    readonly rules?: readonly AuthorizationRule[];
  };
}

const selector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).refine((m) => Object.keys(m).length > 0, "empty selector"),
});
const mode = z.enum(["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]);
const portKey = z.string().regex(/^[1-9]\d{0,4}$/, "not a port number");

export const peerAuthenticationSchema: z.ZodType<PeerAuthentication> = z.strictObject({
  apiVersion: z.literal(ISTIO_SECURITY_API_VERSION),
  kind: z.literal("PeerAuthentication"),
  metadata: metadataSchema,
  spec: z
    .strictObject({
      selector: selector.optional(),
      mtls: z.strictObject({ mode }),
      portLevelMtls: z.record(portKey, z.strictObject({ mode })).optional(),
    })
    // Istio ignores port-level settings in a namespace-wide policy.
    .refine(
      (s) => s.portLevelMtls === undefined || s.selector !== undefined,
      "portLevelMtls requires a selector",
    ),
});

const principal = z
  .string()
  .regex(/^(\*|[^/]+\/ns\/[a-z0-9-]+\/sa\/[a-z0-9-.]+)$/, "not a SPIFFE principal (<td>/ns/<ns>/sa/<sa>)");

export const authorizationPolicySchema: z.ZodType<AuthorizationPolicy> = z.strictObject({
  apiVersion: z.literal(ISTIO_SECURITY_API_VERSION),
  kind: z.literal("AuthorizationPolicy"),
  metadata: metadataSchema,
  spec: z.strictObject({
    selector: selector.optional(),
    action: z.literal("ALLOW").optional(),
    rules: z
      .array(
        z.strictObject({
          from: z
            .array(z.strictObject({ source: z.strictObject({ principals: z.array(principal).min(1) }) }))
            .min(1)
            .optional(),
          to: z
            .array(z.strictObject({ operation: z.strictObject({ ports: z.array(portKey).min(1) }) }))
            .min(1),
        }),
      )
      .optional(),
  }),
});

export type IstioObject = PeerAuthentication | AuthorizationPolicy;

const SCHEMAS: Readonly<Record<string, z.ZodType<IstioObject>>> = {
  [`${ISTIO_SECURITY_API_VERSION}/PeerAuthentication`]: peerAuthenticationSchema,
  [`${ISTIO_SECURITY_API_VERSION}/AuthorizationPolicy`]: authorizationPolicySchema,
};

/** Problems of an Istio object against its schema, each with its property path; [] when valid. */
export function istioCrdIssues(obj: object): string[] {
  return schemaIssues(SCHEMAS, obj);
}

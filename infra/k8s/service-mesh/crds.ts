/**
 * The custom resources the service mesh emits, typed, with their schemas: Istio's security resources
 * and Linkerd's policy resources.
 *
 * Istio (`security.istio.io/v1`): the types and strict schemas are generated from istio/api v1.30.3's
 * kubernetes/customresourcedefinitions.gen.yaml (../lib/crds/generated/, `npm run crds:generate`).
 * Written here: the CRD's CEL rules the project relies on, which the generator does not check, and this
 * project's own narrower rules (principals are SPIFFE paths, ports are numbers).
 *
 * Linkerd: interfaces and strict zod schemas of the fields this project sets.
 * Checked against linkerd/linkerd2 edge-26.8.3 (19a0d90d), charts/linkerd-crds/templates/policy/
 * {server,authorization-policy,meshtls-authentication,network-authentication}.yaml: Server
 * `policy.linkerd.io/v1beta3` (the storage version), the others `policy.linkerd.io/v1alpha1`.
 * Hand-written, not generated like ../lib/crds/generated/: linkerd/linkerd2's tags (edge-…, stable-…) are
 * no semantic versions and the Go module proxy refuses the module at any version, so `npm run
 * crds:generate` has no manifest to read; and the CRDs are Helm templates of the linkerd-crds chart.
 */

import { z } from "zod";
import {
  type AuthorizationPolicy,
  authorizationPolicyCrd,
} from "../lib/crds/generated/security.istio.io-v1-authorizationpolicy.js";
import {
  type PeerAuthentication,
  peerAuthenticationCrd,
} from "../lib/crds/generated/security.istio.io-v1-peerauthentication.js";
import { type CrMetadata, metadataSchema } from "../lib/crds/metadata.js";
import { schemaIssues } from "../lib/schema-issues.js";

export type { AuthorizationPolicy, PeerAuthentication };

export const ISTIO_SECURITY_API_VERSION = "security.istio.io/v1" satisfies PeerAuthentication["apiVersion"];

export type MtlsMode = NonNullable<NonNullable<NonNullable<PeerAuthentication["spec"]>["mtls"]>["mode"]>;
export type AuthorizationRule = NonNullable<NonNullable<AuthorizationPolicy["spec"]>["rules"]>[number];

const PORT = /^[1-9]\d{0,4}$/;
const portIssue = (p: string) => !PORT.test(p) || Number(p) > 65535;

export const peerAuthenticationSchema: z.ZodType<PeerAuthentication> = peerAuthenticationCrd.superRefine(
  (pa, ctx) => {
    const spec = pa.spec ?? {};
    // The CRD's CEL rules "portLevelMtls requires selector" and "port must be between 1-65535": Istio
    // ignores port-level settings in a namespace-wide policy.
    if (spec.portLevelMtls !== undefined && spec.selector?.matchLabels === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["spec", "portLevelMtls"],
        message: "portLevelMtls requires a selector",
      });
    }
    for (const port of Object.keys(spec.portLevelMtls ?? {}).filter(portIssue)) {
      ctx.addIssue({ code: "custom", path: ["spec", "portLevelMtls", port], message: "not a port number" });
    }
  },
);

// A principal as the sidecar presents it; anything else never matches a peer, so the policy denies.
const SPIFFE_PRINCIPAL = /^(\*|[^/]+\/ns\/[a-z0-9-]+\/sa\/[a-z0-9-.]+)$/;

export const authorizationPolicySchema: z.ZodType<AuthorizationPolicy> = authorizationPolicyCrd.superRefine(
  (ap, ctx) => {
    for (const [r, rule] of (ap.spec?.rules ?? []).entries()) {
      for (const [f, from] of (rule.from ?? []).entries()) {
        for (const [i, p] of (from.source?.principals ?? []).entries()) {
          if (!SPIFFE_PRINCIPAL.test(p)) {
            const path = ["spec", "rules", r, "from", f, "source", "principals", i];
            ctx.addIssue({ code: "custom", path, message: "not a SPIFFE principal (<td>/ns/<ns>/sa/<sa>)" });
          }
        }
      }
      for (const [t, to] of (rule.to ?? []).entries()) {
        for (const [i, p] of (to.operation?.ports ?? []).entries()) {
          if (portIssue(p)) {
            const path = ["spec", "rules", r, "to", t, "operation", "ports", i];
            ctx.addIssue({ code: "custom", path, message: "not a port number" });
          }
        }
      }
    }
  },
);

export type IstioObject = PeerAuthentication | AuthorizationPolicy;

const ISTIO_SCHEMAS: Readonly<Record<string, z.ZodType<IstioObject>>> = {
  [`${ISTIO_SECURITY_API_VERSION}/PeerAuthentication`]: peerAuthenticationSchema,
  [`${ISTIO_SECURITY_API_VERSION}/AuthorizationPolicy`]: authorizationPolicySchema,
};

/** Problems of an Istio object against its schema, each with its property path; [] when valid. */
export function istioCrdIssues(obj: object): string[] {
  return schemaIssues(ISTIO_SCHEMAS, obj);
}

export const LINKERD_POLICY_GROUP = "policy.linkerd.io";
export const LINKERD_SERVER_API_VERSION = "policy.linkerd.io/v1beta3";
export const LINKERD_POLICY_API_VERSION = "policy.linkerd.io/v1alpha1";

/** Values of `Server.spec.proxyProtocol` (policy-controller's ProxyProtocol). */
export type ProxyProtocol = "unknown" | "HTTP/1" | "HTTP/2" | "gRPC" | "opaque" | "TLS";

/** Server: one port of a set of pods, denied unless an AuthorizationPolicy allows a client. */
export interface Server {
  readonly apiVersion: typeof LINKERD_SERVER_API_VERSION;
  readonly kind: "Server";
  readonly metadata: CrMetadata;
  readonly spec: {
    readonly podSelector: { readonly matchLabels: Readonly<Record<string, string>> };
    /** A container port number (names are allowed by the CRD; numbers here). */
    readonly port: number;
    /** CRD default "unknown" (detect). Supersedes `config.linkerd.io/opaque-ports`. */
    readonly proxyProtocol?: ProxyProtocol;
    /** For traffic no policy matches. CRD default "deny". */
    readonly accessPolicy?:
      | "deny"
      | "all-authenticated"
      | "all-unauthenticated"
      | "cluster-authenticated"
      | "cluster-unauthenticated"
      | "audit";
  };
}

/** A reference to another object (gateway API style). */
export interface PolicyRef {
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface LinkerdAuthorizationPolicy {
  readonly apiVersion: typeof LINKERD_POLICY_API_VERSION;
  readonly kind: "AuthorizationPolicy";
  readonly metadata: CrMetadata;
  readonly spec: {
    readonly targetRef: PolicyRef;
    /** All must be satisfied. */
    readonly requiredAuthenticationRefs: readonly PolicyRef[];
  };
}

/** Clients by mesh identity: ServiceAccounts (identityRefs) or identity strings ("*" = any meshed). */
export interface MeshTLSAuthentication {
  readonly apiVersion: typeof LINKERD_POLICY_API_VERSION;
  readonly kind: "MeshTLSAuthentication";
  readonly metadata: CrMetadata;
  /** Exactly one of the two. */
  readonly spec: { readonly identities?: readonly string[]; readonly identityRefs?: readonly PolicyRef[] };
}

/** Clients by network, authenticated or not. */
export interface NetworkAuthentication {
  readonly apiVersion: typeof LINKERD_POLICY_API_VERSION;
  readonly kind: "NetworkAuthentication";
  readonly metadata: CrMetadata;
  readonly spec: { readonly networks: readonly { readonly cidr: string }[] };
}

const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ref: z.ZodType<PolicyRef> = z.strictObject({
  group: z.string().max(253).regex(GROUP).optional(),
  kind: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/),
  name: z.string().min(1).max(253),
  namespace: z.string().max(253).optional(),
});

export const serverSchema: z.ZodType<Server> = z.strictObject({
  apiVersion: z.literal(LINKERD_SERVER_API_VERSION),
  kind: z.literal("Server"),
  metadata: metadataSchema,
  spec: z.strictObject({
    podSelector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
    port: z.int().min(1).max(65535),
    proxyProtocol: z.enum(["unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"]).optional(),
    accessPolicy: z
      .enum([
        "deny",
        "all-authenticated",
        "all-unauthenticated",
        "cluster-authenticated",
        "cluster-unauthenticated",
        "audit",
      ])
      .optional(),
  }),
});

export const linkerdAuthorizationPolicySchema: z.ZodType<LinkerdAuthorizationPolicy> = z.strictObject({
  apiVersion: z.literal(LINKERD_POLICY_API_VERSION),
  kind: z.literal("AuthorizationPolicy"),
  metadata: metadataSchema,
  spec: z.strictObject({ targetRef: ref, requiredAuthenticationRefs: z.array(ref) }),
});

export const meshTlsAuthenticationSchema: z.ZodType<MeshTLSAuthentication> = z.strictObject({
  apiVersion: z.literal(LINKERD_POLICY_API_VERSION),
  kind: z.literal("MeshTLSAuthentication"),
  metadata: metadataSchema,
  spec: z
    .strictObject({
      identities: z.array(z.string().min(1)).min(1).optional(),
      identityRefs: z.array(ref).min(1).optional(),
    })
    .refine(
      (s) => (s.identities === undefined) !== (s.identityRefs === undefined),
      "exactly one of identities, identityRefs",
    ),
});

const CIDR = /^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]+)\/\d{1,3}$/;
export const networkAuthenticationSchema: z.ZodType<NetworkAuthentication> = z.strictObject({
  apiVersion: z.literal(LINKERD_POLICY_API_VERSION),
  kind: z.literal("NetworkAuthentication"),
  metadata: metadataSchema,
  spec: z.strictObject({
    networks: z.array(z.strictObject({ cidr: z.string().regex(CIDR, "not a CIDR") })).min(1),
  }),
});

export type LinkerdObject =
  | Server
  | LinkerdAuthorizationPolicy
  | MeshTLSAuthentication
  | NetworkAuthentication;

const LINKERD_SCHEMAS: Readonly<Record<string, z.ZodType<LinkerdObject>>> = {
  [`${LINKERD_SERVER_API_VERSION}/Server`]: serverSchema,
  [`${LINKERD_POLICY_API_VERSION}/AuthorizationPolicy`]: linkerdAuthorizationPolicySchema,
  [`${LINKERD_POLICY_API_VERSION}/MeshTLSAuthentication`]: meshTlsAuthenticationSchema,
  [`${LINKERD_POLICY_API_VERSION}/NetworkAuthentication`]: networkAuthenticationSchema,
};

/** Problems of a Linkerd object against its schema, each with its property path; [] when valid. */
export function linkerdCrdIssues(obj: object): string[] {
  return schemaIssues(LINKERD_SCHEMAS, obj);
}

/**
 * Typed Linkerd policy resources: interfaces and strict zod schemas of the fields this project sets.
 * Checked against linkerd/linkerd2 edge-26.8.3 (19a0d90d), charts/linkerd-crds/templates/policy/
 * {server,authorization-policy,meshtls-authentication,network-authentication}.yaml: Server
 * `policy.linkerd.io/v1beta3` (the storage version), the others `policy.linkerd.io/v1alpha1`.
 *
 * Hand-written, not generated like ../crds/generated/: linkerd/linkerd2's tags (edge-…, stable-…) are
 * no semantic versions and the Go module proxy refuses the module at any version, so `npm run
 * crds:generate` has no manifest to read; and the CRDs are Helm templates of the linkerd-crds chart.
 */
import { z } from "zod";
import { type CrMetadata, metadataSchema } from "../lib/crds/metadata.js";
import { schemaIssues } from "../lib/schema-issues.js";

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

const SCHEMAS: Readonly<Record<string, z.ZodType<LinkerdObject>>> = {
  [`${LINKERD_SERVER_API_VERSION}/Server`]: serverSchema,
  [`${LINKERD_POLICY_API_VERSION}/AuthorizationPolicy`]: linkerdAuthorizationPolicySchema,
  [`${LINKERD_POLICY_API_VERSION}/MeshTLSAuthentication`]: meshTlsAuthenticationSchema,
  [`${LINKERD_POLICY_API_VERSION}/NetworkAuthentication`]: networkAuthenticationSchema,
};

/** Problems of a Linkerd object against its schema, each with its property path; [] when valid. */
export function linkerdCrdIssues(obj: object): string[] {
  return schemaIssues(SCHEMAS, obj);
}

/**
 * Typed Istio security resources (`security.istio.io/v1`). The types and strict schemas are generated
 * from istio/api v1.30.3's kubernetes/customresourcedefinitions.gen.yaml (../crds/generated/, `npm run
 * crds:generate`). Written here: the CRD's CEL rules the project relies on, which the generator does not
 * check, and this project's own narrower rules (principals are SPIFFE paths, ports are numbers).
 */
import type { z } from "zod";
import {
  type AuthorizationPolicy,
  authorizationPolicyCrd,
} from "../lib/crds/generated/security.istio.io-v1-authorizationpolicy.js";
import {
  type PeerAuthentication,
  peerAuthenticationCrd,
} from "../lib/crds/generated/security.istio.io-v1-peerauthentication.js";
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

const SCHEMAS: Readonly<Record<string, z.ZodType<IstioObject>>> = {
  [`${ISTIO_SECURITY_API_VERSION}/PeerAuthentication`]: peerAuthenticationSchema,
  [`${ISTIO_SECURITY_API_VERSION}/AuthorizationPolicy`]: authorizationPolicySchema,
};

/** Problems of an Istio object against its schema, each with its property path; [] when valid. */
export function istioCrdIssues(obj: object): string[] {
  return schemaIssues(SCHEMAS, obj);
}

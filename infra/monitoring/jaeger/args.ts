import type * as pulumi from "@pulumi/pulumi";
import type { ClusterDns } from "../../k8s/lib/flows.js";
import { isPinnedImage } from "../../k8s/lib/kube-parts.js";

/** Defaults of JaegerArgs. */
export const JAEGER_DEFAULTS = { networkPolicies: true, instance: "jaeger" } as const;

/** Jaeger as a building block: plain values, no environment model (stacks/ maps the model to these). */
export interface JaegerArgs {
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * The same namespace as an Output (a Namespace resource's name), so every object waits for it.
   * Defaults to `namespace` as a plain string (no dependency).
   */
  readonly namespaceRef?: pulumi.Input<string>;
  /** Pinned Jaeger v2 image, e.g. `jaegertracing/jaeger:2.2.0`. */
  readonly image: string;
  /**
   * Add Jaeger's NetworkPolicy (ingress to OTLP, the agent and Zipkin from the app; to the UI from
   * anywhere; egress to DNS only). Defaults to true.
   */
  readonly networkPolicies?: boolean;
  /**
   * Where the NetworkPolicy lets DNS lookups go: the DNS pods' namespace and addresses that are no pod
   * (NodeLocal DNSCache). Defaults to kube-system and 169.254.20.10/32.
   */
  readonly dns?: ClusterDns;
  /** `app.kubernetes.io/instance`. Defaults to "jaeger". */
  readonly instance?: string;
}

/** Invariants of {@link JaegerArgs}; [] when valid. */
export function validateJaegerArgs(args: JaegerArgs): string[] {
  return isPinnedImage(args.image) ? [] : [`image "${args.image}" must be pinned to a version (not latest)`];
}

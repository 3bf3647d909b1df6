import type * as pulumi from "@pulumi/pulumi";
import {
  type ClusterDns,
  type Flow,
  type PodGroup,
  validateClusterDns,
  validateFlows,
} from "../lib/flows.js";

export interface NetworkPoliciesArgs {
  /** Namespace of the policies (they select pods only in it). */
  readonly namespace: pulumi.Input<string>;
  /** The pod groups flows refer to. */
  readonly groups: PodGroup[];
  /** Allowed connections; everything else is denied. */
  readonly flows: Flow[];
  /** A namespace-wide default deny of ingress and egress. Defaults to true. */
  readonly defaultDeny?: boolean;
  /** DNS egress (UDP and TCP 53) for every owned group, to the servers `dns` names. Defaults to true. */
  readonly allowDns?: boolean;
  /**
   * The cluster's DNS servers: the DNS namespace's pods and addresses that are no pod (NodeLocal
   * DNSCache). Defaults to kube-system and 169.254.20.10/32 (CLUSTER_DNS_DEFAULTS).
   */
  readonly dns?: ClusterDns;
  /**
   * Also open the far side of flows with groups owned elsewhere (a policy of its own for that one flow).
   * False when the owner of those groups opens its side itself (the monitoring components, whose peers
   * are the app tier's). Defaults to true.
   */
  readonly peerPolicies?: boolean;
}

/** Invariants of {@link NetworkPoliciesArgs}; an empty list means valid. */
export function validateNetworkPoliciesArgs(args: Omit<NetworkPoliciesArgs, "namespace">): string[] {
  return [...validateFlows(args), ...(args.dns ? validateClusterDns(args.dns) : [])];
}

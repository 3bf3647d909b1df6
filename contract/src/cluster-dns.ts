/**
 * Where pods send DNS lookups by default: the DNS pods of kube-system, and NodeLocal DNSCache's
 * link-local address. NodeLocal DNSCache is a hostNetwork DaemonSet that listens on 169.254.20.10 on
 * every node (kubernetes cluster/addons/dns/nodelocaldns/README.md, `__PILLAR__LOCAL__DNS__`); no pod
 * selector can match it. Where it is not installed nothing listens there, so allowing it costs nothing.
 */
export const CLUSTER_DNS_DEFAULTS = {
  namespace: "kube-system",
  addresses: ["169.254.20.10/32"],
} as const;

import { describe, expect, it } from "vitest";
import {
  type Flow,
  mergeFlows,
  type NetworkFlows,
  networkPolicyObjects,
  type PodGroup,
  validateFlows,
  validateNetworkPoliciesArgs,
} from "../../../../infra/index.js";

const groups: PodGroup[] = [
  { name: "app", selector: { app: "app" } },
  { name: "db", selector: { app: "db" } },
  { name: "prometheus", selector: { "app.kubernetes.io/name": "prometheus" }, owned: false },
];

type Policy = {
  metadata: { name: string };
  spec: { policyTypes: string[]; ingress?: Record<string, unknown>[]; egress?: Record<string, unknown>[] };
};
const policy = (objs: ReturnType<typeof networkPolicyObjects>, name: string) =>
  objs.find((o) => o.metadata.name === name) as unknown as Policy;

describe("the flow model", () => {
  it("lists every problem with its path", () => {
    expect(
      validateFlows({
        groups: [...groups, { name: "all", selector: {} }, { name: "app", selector: { x: "y" } }],
        flows: [
          { from: "app", to: "cache", port: 6379 },
          { from: "app", port: 5432 },
          { from: "app", fromExternal: { name: "x" }, to: "db", port: 5432 },
          { fromExternal: { name: "a" }, toExternal: { name: "b" }, port: 1 },
          { from: "any", toExternal: { name: "web", cidr: "0.0.0.0/0" }, port: 443 },
          { from: "app", to: "db", port: 70000 },
          {
            fromExternal: { name: "op", cidr: "10.0.0.0/8", podSelector: { a: "b" } },
            to: "db",
            port: 5432,
          },
          {
            fromExternal: { name: "ing", meshIdentity: { namespace: "Bad", serviceAccount: "ok" } },
            to: "app",
            port: 8000,
          },
        ],
      }),
    ).toEqual([
      "groups[3].selector is empty, which would select every pod",
      'groups[4].name "app" is defined twice',
      'flows[0].to names unknown group "cache"',
      "flows[1]: set exactly one of to, toExternal",
      "flows[2]: set exactly one of from, fromExternal",
      "flows[3]: a flow from a to b never touches the namespace",
      "flows[4]: a flow from any to an external target is meaningless",
      "flows[5].port 70000 must be 1–65535",
      "flows[6].fromExternal: a cidr excludes namespaceSelector and podSelector",
      'flows[7].fromExternal.meshIdentity.namespace "Bad" is not a namespace name',
    ]);
  });

  it("merges components' models: the owner's group definition wins, each flow once", () => {
    const scrape: Flow = { from: "prometheus", to: "app", port: 9464 };
    const merged = mergeFlows(
      { groups, flows: [scrape] },
      {
        groups: [
          { name: "prometheus", selector: { "app.kubernetes.io/name": "prometheus" } },
          { name: "app", selector: { "app.kubernetes.io/name": "app" }, owned: false },
        ],
        flows: [scrape, { from: "prometheus", toExternal: { name: "api", cidr: "0.0.0.0/0" }, port: 443 }],
      },
    );
    expect(merged.groups).toEqual([
      groups[0],
      groups[1],
      { name: "prometheus", selector: { "app.kubernetes.io/name": "prometheus" } },
    ]);
    expect(merged.flows).toHaveLength(2);
    expect(validateFlows(merged)).toEqual([]);
    // Two owners of one group are a mistake the validation names.
    const twice = mergeFlows({ groups, flows: [] }, { groups: [groups[0]!], flows: [] });
    expect(validateFlows(twice)).toEqual(['groups[3].name "app" is defined twice']);
  });

  it("keeps a flow of a part that opens only its own side when the other end's owner opens it too", () => {
    const app = {
      groups: [groups[0]!, { name: "jaeger", selector: { j: "1" }, owned: false }],
      flows: [{ from: "app", to: "jaeger", port: 4317 }],
    };
    const jaeger: NetworkFlows = {
      peerPolicies: false,
      groups: [
        { name: "jaeger", selector: { j: "1" } },
        { name: "app", selector: { a: "1" }, owned: false },
      ],
      flows: [
        { from: "app", to: "jaeger", port: 4317 },
        { from: "app", to: "jaeger", port: 4318 },
        { from: "any", to: "jaeger", port: 16686 },
      ],
    };
    expect(mergeFlows(app, jaeger).flows.map((f) => f.port)).toEqual([4317, 16686]);
  });
});

describe("NetworkPolicies", () => {
  it("rejects flows to unknown groups", () => {
    expect(
      validateNetworkPoliciesArgs({ groups, flows: [{ from: "app", to: "cache", port: 6379 }] }),
    ).toEqual(['flows[0].to names unknown group "cache"']);
  });

  it("gives owned groups one policy of both types and foreign groups only their side of a flow", () => {
    const objs = networkPolicyObjects({
      groups,
      flows: [
        { from: "app", to: "db", port: 5432 },
        { from: "prometheus", to: "app", port: 8000 },
      ],
    });
    expect(objs.map((o) => o.metadata.name)).toEqual([
      "default-deny-all",
      "app",
      "db",
      "allow-prometheus-to-app-8000",
    ]);
    expect(policy(objs, "allow-prometheus-to-app-8000").spec.policyTypes).toEqual(["Egress"]);
  });

  it("leaves the far side to its owner with peerPolicies false, and renders externals as their peers", () => {
    const objs = networkPolicyObjects({
      groups,
      defaultDeny: false,
      peerPolicies: false,
      flows: [
        { from: "prometheus", to: "app", port: 8000 },
        { from: "app", toExternal: { name: "anywhere" }, port: 4317 },
        { from: "app", toExternal: { name: "api", cidr: "0.0.0.0/0" }, port: 443 },
        {
          fromExternal: { name: "op", namespaceSelector: { team: "ops" }, podSelector: { app: "op" } },
          to: "app",
          port: 8000,
        },
      ],
    });
    expect(objs.map((o) => o.metadata.name)).toEqual(["app", "db"]);
    const app = policy(objs, "app").spec;
    expect(app.egress?.slice(0, 2)).toEqual([
      { ports: [{ port: 4317, protocol: "TCP" }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443, protocol: "TCP" }] },
    ]);
    expect(app.ingress?.[1]).toEqual({
      from: [
        { namespaceSelector: { matchLabels: { team: "ops" } }, podSelector: { matchLabels: { app: "op" } } },
      ],
      ports: [{ port: 8000, protocol: "TCP" }],
    });
  });
});

describe("DNS egress", () => {
  const flows: Flow[] = [{ from: "app", to: "db", port: 5432 }];
  const dnsRule = (objs: ReturnType<typeof networkPolicyObjects>) =>
    policy(objs, "app").spec.egress!.find((r) =>
      (r.ports as { port: number }[]).some((p) => p.port === 53),
    ) as { to: unknown[]; ports: unknown[] };

  it("defaults to kube-system's pods and NodeLocal DNSCache's link-local address, UDP and TCP 53", () => {
    const rule = dnsRule(networkPolicyObjects({ groups, flows }));
    expect(rule.to).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
      { ipBlock: { cidr: "169.254.20.10/32" } },
    ]);
    expect(rule.ports).toEqual([
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ]);
  });

  it("goes where the model says: another DNS namespace, the kube-dns Service IP NodeLocal DNSCache answers on", () => {
    const rule = dnsRule(
      networkPolicyObjects({ groups, flows, dns: { namespace: "dns", addresses: ["10.96.0.10/32"] } }),
    );
    expect(rule.to).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dns" } } },
      { ipBlock: { cidr: "10.96.0.10/32" } },
    ]);
    const none = dnsRule(
      networkPolicyObjects({ groups, flows, dns: { namespace: "kube-system", addresses: [] } }),
    );
    expect(none.to).toHaveLength(1);
  });

  it("names a bad DNS namespace or address", () => {
    expect(
      validateNetworkPoliciesArgs({
        groups,
        flows,
        dns: { namespace: "Kube", addresses: ["169.254.20.10", "::1/200"] },
      }),
    ).toEqual([
      'dns.namespace "Kube" is not a namespace name',
      'dns.addresses[0] "169.254.20.10" is not a CIDR such as 169.254.20.10/32',
      'dns.addresses[1] "::1/200" is not a CIDR such as 169.254.20.10/32',
    ]);
  });
});

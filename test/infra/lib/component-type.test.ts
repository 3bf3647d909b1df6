import * as state from "@pulumi/pulumi/runtime/state.js";
import { beforeAll, describe, expect, it } from "vitest";
import { componentType, legacyComponentType, Redis } from "../../../infra/index.js";
import { type RegisteredOptions, recordOptions } from "../../../stacks/mock-run.js";
import { outputValue, recordRegistrations, settled } from "../../helpers/component-mocks.js";
import { runStackWithSecrets } from "../../helpers/stack.js";

/**
 * The classes register under the token the schema gives other languages (`mcp-stack:index:<Class>`),
 * and answer to the token they had (`mcp-stack:infra:<Class>`) through an alias, so a stack deployed
 * before the rename keeps its resources instead of replacing them.
 */

/** Components whose files another change owns; they still register under the old token, unaliased. */
describe("component type tokens", () => {
  it("are the schema's token, and the legacy one for the alias", () => {
    expect(componentType("Redis")).toBe("mcp-stack:index:Redis");
    expect(legacyComponentType("Redis")).toBe("mcp-stack:infra:Redis");
  });

  it("every component of the prod stack registers as mcp-stack:index:<Class> with the old type as an alias", async () => {
    const run = await runStackWithSecrets("prod");
    const components = run.resources.filter((r) => r.type.startsWith("mcp-stack:"));
    // prod has the namespace, its NetworkPolicies and the mesh among them: every kind is renamed.
    expect(components.map((r) => r.type)).toEqual(
      expect.arrayContaining(["EnvironmentNamespace", "NetworkPolicies", "ServiceMesh"].map(componentType)),
    );
    for (const r of components) {
      const cls = r.type.slice(r.type.lastIndexOf(":") + 1);
      expect([r.name, r.type, r.options.aliasTypes]).toEqual([
        r.name,
        componentType(cls),
        [legacyComponentType(cls)],
      ]);
    }
  });
});

describe("a child of a renamed component", () => {
  const sent = new Map<string, RegisteredOptions>();
  beforeAll(async () => {
    await recordRegistrations("alias-child");
    recordOptions(sent);
  });

  it("is aliased to its URN under the old parent type (the SDK's parent-alias inheritance)", async () => {
    // With alias specs the engine derives children's aliases from the parent's; without them the SDK
    // computes the same URNs itself (inheritedChildAlias) and sends them, which is what can be seen here.
    // The SDK's run state; getStore is exported at runtime but internal in the typings.
    const store = (state as unknown as { getStore(): { supportsAliasSpecs?: boolean } }).getStore();
    const before = store.supportsAliasSpecs;
    store.supportsAliasSpecs = false;
    try {
      const redis = new Redis("cache", {
        namespace: "ns",
        image: "redis:7.4.2-alpine",
        exporterImage: "oliver006/redis_exporter:v1.67.0",
        maxmemory: "256mb",
        resources: {
          requests: { cpu: "100m", memory: "320Mi", ephemeralStorage: "64Mi" },
          limits: { cpu: "500m", memory: "384Mi", ephemeralStorage: "256Mi" },
        },
        storage: "1Gi",
      });
      await outputValue(redis.urn);
      await settled();
    } finally {
      store.supportsAliasSpecs = before;
    }
    const [key, child] = [...sent.entries()].find(([k]) => k.startsWith("kubernetes:apps/v1:StatefulSet::"))!;
    const childName = key.slice(key.lastIndexOf("::") + 2);
    expect(child.parent).toBe("urn:pulumi:alias-child::mcp-stack::mcp-stack:index:Redis::cache");
    expect(child.aliasUrns).toContain(
      `urn:pulumi:alias-child::mcp-stack::mcp-stack:infra:Redis$kubernetes:apps/v1:StatefulSet::${childName}`,
    );
  });
});

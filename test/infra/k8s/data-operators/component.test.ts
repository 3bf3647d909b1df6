import { beforeAll, describe, expect, it } from "vitest";
import { DataOperators, validateDataOperatorsArgs } from "../../../../infra/index.js";
import { type Registered, recordRegistrations, settled } from "../../../helpers/component-mocks.js";

let registered: Registered[] = [];

beforeAll(async () => {
  registered = await recordRegistrations("data-operators");
});

describe("DataOperators", () => {
  it("installs cert-manager, the operator and the plugin after both, with pinned charts", async () => {
    const ops = new DataOperators("ops", { mode: "install" });
    await settled();
    const releases = registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const byChart = Object.fromEntries(releases.map((r) => [r.inputs.chart, r.inputs]));
    expect(byChart["cert-manager"]).toMatchObject({
      version: "v1.21.1",
      repositoryOpts: { repo: "https://charts.jetstack.io" },
      values: { crds: { enabled: true } },
    });
    expect(byChart["cloudnative-pg"]).toMatchObject({ version: "0.29.0", namespace: "cnpg-system" });
    expect(byChart["plugin-barman-cloud"]).toMatchObject({
      version: "0.7.0",
      namespace: "cnpg-system",
      repositoryOpts: { repo: "https://cloudnative-pg.github.io/charts" },
    });
    expect(releases.filter((r) => r.name.startsWith("ops-")).map((r) => r.inputs.chart)).toHaveLength(3);
    expect(ops.namespace).toBe("cnpg-system");
  });

  it("creates nothing in existing mode", async () => {
    const before = registered.length;
    new DataOperators("ops-existing", { mode: "existing" });
    await settled();
    // The component itself and nothing under it.
    expect(registered.slice(before).map((r) => r.type)).toEqual(["mcp-stack:index:DataOperators"]);
    expect(validateDataOperatorsArgs({ mode: "install", versions: { cloudnativePg: "latest" } })).toEqual([
      'versions.cloudnativePg "latest" must be an exact chart version',
    ]);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import {
  ExternalSecrets,
  ExternalSecretsOperator,
  validateExternalSecretsOperatorArgs,
} from "../../../../infra/index.js";
import {
  outputValue,
  type Registered,
  recordRegistrations,
  registeredUrns,
  SECRET_SIG,
  settled,
} from "../../../helpers/component-mocks.js";
import { APP_SECRETS, AWS, AZURE, args, VAULT } from "./fixtures.js";

let registered: Registered[] = [];

beforeAll(async () => {
  registered = await recordRegistrations("external-secrets");
});

const value = outputValue;

// A namespace per component keeps resource names (and so URNs) distinct between the tests.
async function build(name: string, a: Parameters<typeof args>[0], extra = {}) {
  const before = registered.length;
  const c = new ExternalSecrets(name, args(a, { namespace: name, ...extra }));
  await value(c.urn);
  await settled();
  // What registered after the component is its children (each test builds one component at a time).
  const mine = registered.slice(before).filter((r) => r.type.startsWith("kubernetes:"));
  const names = new Set(mine.map((r) => r.name));
  const urns = registeredUrns().filter(
    (u) => u.includes("ExternalSecrets$") && names.has(u.slice(u.lastIndexOf("::") + 2)),
  );
  return { c, urns, mine };
}

/** Every key anywhere in `v`, with its path. */
function keyPaths(v: unknown, at = ""): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keyPaths(x, `${at}[${i}]`));
  if (v && typeof v === "object")
    return Object.entries(v).flatMap(([k, x]) => [`${at}.${k}`, ...keyPaths(x, `${at}.${k}`)]);
  return [];
}

describe("ExternalSecrets", () => {
  it("registers the store and ExternalSecrets as CustomResources parented to it", async () => {
    const { urns, mine } = await build("eso-vault", VAULT);
    expect(mine.map((r) => r.type).sort()).toEqual(
      [
        ...Array(APP_SECRETS.length).fill("kubernetes:external-secrets.io/v1:ExternalSecret"),
        "kubernetes:external-secrets.io/v1:SecretStore",
        "kubernetes:core/v1:ServiceAccount",
      ].sort(),
    );
    expect(urns).toHaveLength(mine.length);
    for (const urn of urns) expect(urn).toContain("::mcp-stack:index:ExternalSecrets$kubernetes:");
    for (const r of mine) expect(r.inputs.metadata).toMatchObject({ namespace: "eso-vault" });
  });

  it("produces exactly the Secret names and keys the workloads read", async () => {
    const { c, mine } = await build("eso-aws", AWS);
    const produced = Object.fromEntries(
      mine
        .filter((r) => r.type.endsWith(":ExternalSecret"))
        .map((r) => {
          const spec = r.inputs.spec as { target: { name: string }; data: { secretKey: string }[] };
          return [spec.target.name, spec.data.map((d) => d.secretKey).sort()];
        }),
    );
    const wanted = Object.fromEntries(APP_SECRETS.map((s) => [s.name, Object.keys(s.keys).sort()]));
    expect(produced).toEqual(wanted);
    expect(Object.fromEntries(Object.entries(c.secretKeys).map(([k, v]) => [k, [...v].sort()]))).toEqual(
      wanted,
    );
    expect(c.podAnnotations).toEqual({
      "secret.reloader.stakater.com/reload":
        "db-credentials,grafana-admin,mcp-backend-api-keys,openai-credentials,redis-credentials,sentry-credentials",
    });
  });

  it("leaves a ClusterSecretStore without a namespace", async () => {
    const { mine } = await build("eso-cluster", AZURE, { storeKind: "ClusterSecretStore" });
    const store = mine.find((r) => r.type.endsWith(":ClusterSecretStore"))!;
    expect((store.inputs.metadata as Record<string, unknown>).namespace).toBeUndefined();
  });

  it("never puts a secret value in Pulumi state: no Secret, no secret input, no value-like field", async () => {
    await build("eso-pod-identity", {
      provider: "aws-secrets-manager",
      region: "eu-west-1",
      auth: "pod-identity",
    });
    const eso = registered.filter((r) => r.type.startsWith("kubernetes:") && !r.type.includes("helm"));
    expect(eso.length).toBeGreaterThan(0);
    expect(eso.some((r) => r.type === "kubernetes:core/v1:Secret")).toBe(false);
    expect(JSON.stringify(eso)).not.toContain(SECRET_SIG);
    // `spec.data` of an ExternalSecret lists remote references; nothing else may look like a value.
    const valueLike = /\.(stringData|data|value|password|token|clientSecret|secretAccessKey)$/i;
    const offending = eso.flatMap((r) =>
      keyPaths(r.inputs).filter(
        (p) => valueLike.test(p) && !(r.type.endsWith(":ExternalSecret") && p === ".spec.data"),
      ),
    );
    expect(offending).toEqual([]);
  });

  it("throws before creating anything when the args are invalid", () => {
    const before = registered.length;
    expect(
      () => new ExternalSecrets("eso-bad", args({ provider: "vault", server: "https://v", role: "" })),
    ).toThrow(/store.role is required/);
    expect(registered.filter((r) => r.name.startsWith("eso-bad")).length).toBe(0);
    expect(registered.length).toBeGreaterThanOrEqual(before);
  });
});

describe("ExternalSecretsOperator", () => {
  it("installs the pinned external-secrets chart with its CRDs, and Reloader", async () => {
    new ExternalSecretsOperator("secrets-ops", { mode: "install" });
    await settled();
    const byChart = Object.fromEntries(
      registered
        .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
        .map((r) => [r.inputs.chart, r.inputs]),
    );
    expect(byChart["external-secrets"]).toMatchObject({
      version: "2.9.0",
      namespace: "external-secrets",
      repositoryOpts: { repo: "https://charts.external-secrets.io" },
      values: { installCRDs: true },
    });
    expect(byChart.reloader).toMatchObject({
      version: "2.2.16",
      repositoryOpts: { repo: "https://stakater.github.io/stakater-charts" },
    });
    expect(registered.filter((r) => r.name.startsWith("secrets-ops-")).map((r) => r.type)).toEqual([
      "kubernetes:helm.sh/v3:Release",
      "kubernetes:helm.sh/v3:Release",
    ]);
  });

  it("creates nothing in existing mode and rejects a floating version", async () => {
    const before = registered.length;
    new ExternalSecretsOperator("secrets-existing", { mode: "existing" });
    await settled();
    expect(registered.slice(before).map((r) => r.type)).toEqual(["mcp-stack:index:ExternalSecretsOperator"]);
    expect(
      validateExternalSecretsOperatorArgs({ mode: "install", versions: { externalSecrets: "latest" } }),
    ).toEqual(['versions.externalSecrets "latest" must be an exact chart version']);
  });
});

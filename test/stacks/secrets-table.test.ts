import { afterEach, describe, expect, it, vi } from "vitest";
import { requiredSecrets, resolveEnvironment } from "../../environments/index.js";
import { secretSettings } from "../../stacks/app-environment.js";
import { kubernetesObjects } from "../../stacks/kubernetes/render.js";
import { runStackWithSecrets } from "../helpers/stack.js";
import { podTemplates, type RenderedObject } from "./kubernetes/rendered-objects.js";

/**
 * The secrets table (environments/secrets.ts) is the one place that says which secret is needed when:
 * an edit of a row alone must reach the required config, the Secrets, the ExternalSecrets and the
 * app's variables on every target. The table is edited here through a mock of its module, the way a
 * developer would edit the file; every stack file reads it through `derive()`.
 */
const edits = vi.hoisted(() => ({ rows: {} as Record<string, Record<string, unknown>> }));

vi.mock("../../environments/secrets.js", async (importOriginal) => {
  const mod = await importOriginal<typeof import("../../environments/secrets.js")>();
  const SECRETS = {};
  for (const [key, row] of Object.entries(mod.SECRETS))
    Object.defineProperty(SECRETS, key, { enumerable: true, get: () => ({ ...row, ...edits.rows[key] }) });
  return { ...mod, SECRETS };
});

afterEach(() => {
  edits.rows = {};
});

const VAULT = {
  secrets: {
    backend: "external-secrets",
    store: { provider: "vault", server: "https://vault.example.com", role: "mcp-backend" },
  },
};

/** The app Deployment's variables read from Secrets: name → "secret/key". */
function appSecretVariables(objects: readonly RenderedObject[]): Record<string, string> {
  const pod = podTemplates(objects).find((p) => p.workload === "deployment/mcp-backend");
  if (!pod) throw new Error("deployment/mcp-backend not rendered");
  const out: Record<string, string> = {};
  for (const c of pod.spec.containers)
    for (const e of (c.env ?? []) as {
      name: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string } };
    }[])
      if (e.valueFrom?.secretKeyRef)
        out[e.name] = `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`;
  return out;
}

const names = (objects: readonly RenderedObject[], kind: string) =>
  objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);

async function prodObjects(config: Record<string, unknown> = {}): Promise<RenderedObject[]> {
  return kubernetesObjects((await runStackWithSecrets("prod", { config })).resources);
}

describe("an edit of the secrets table alone", () => {
  it("renames the app's variable in the Deployment (both backends) and on Docker", async () => {
    edits.rows.apiKeys = { appEnv: "TENANT_KEYS" };
    for (const objects of [await prodObjects(), await prodObjects(VAULT)]) {
      const vars = appSecretVariables(objects);
      expect(vars.TENANT_KEYS).toBe("mcp-backend-api-keys/keys");
      expect(vars).not.toHaveProperty("API_KEYS");
    }
    const dev = resolveEnvironment("dev", { runtime: { requireApiKeys: true } });
    expect(secretSettings(dev)).toEqual([{ name: "TENANT_KEYS", secret: "apiKeys" }]);
  });

  it("drops a secret from the required config, the Secrets, the ExternalSecrets and the Deployment", async () => {
    const before = await prodObjects();
    expect(names(before, "Secret")).toContain("sentry-credentials");
    expect(appSecretVariables(before)).toHaveProperty("SENTRY_DSN");

    edits.rows.sentryDsn = { readWhen: () => false };
    expect(requiredSecrets(resolveEnvironment("prod"))).not.toContain("sentryDsn");
    const pulumiBackend = await prodObjects();
    expect(names(pulumiBackend, "Secret")).not.toContain("sentry-credentials");
    expect(appSecretVariables(pulumiBackend)).not.toHaveProperty("SENTRY_DSN");
    const external = await prodObjects(VAULT);
    expect(names(external, "ExternalSecret")).not.toContain("sentry-credentials");
    expect(appSecretVariables(external)).not.toHaveProperty("SENTRY_DSN");
  });

  it("adds a secret the model did not ask for to the required config and the ExternalSecrets", async () => {
    expect(requiredSecrets(resolveEnvironment("prod"))).not.toContain("alertReceiver");
    edits.rows.alertReceiver = { readWhen: () => true };
    expect(requiredSecrets(resolveEnvironment("prod"))).toContain("alertReceiver");
    const external = await prodObjects(VAULT);
    expect(names(external, "ExternalSecret")).toContain("alertmanager-receiver");
  });
});

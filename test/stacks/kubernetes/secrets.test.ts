import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../../environments/index.js";
import { RENDER_CONFIG, unwrapSecrets } from "../../../stacks/kubernetes/render.js";
import { SECRET_SIG } from "../../helpers/component-mocks.js";
import { runStackWithSecrets, TEST_SECRETS } from "../../helpers/stack.js";

const RENDERED_DIR = join(import.meta.dirname, "..", "..", "..", "rendered");
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Every form a secret value could take in output: as is, URL-encoded, JSON-escaped. */
const NEEDLES = Object.entries(TEST_SECRETS).flatMap(([key, v]) =>
  [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)].map((form) => ({ key, form })),
);

function leaks(text: string): string[] {
  return [...new Set(NEEDLES.filter((n) => text.includes(n.form)).map((n) => n.key))];
}

describe("secrets never leak", () => {
  it("no test secret appears in any file under rendered/", () => {
    const found: string[] = [];
    for (const env of readdirSync(RENDERED_DIR)) {
      for (const f of readdirSync(join(RENDERED_DIR, env))) {
        const hits = leaks(readFileSync(join(RENDERED_DIR, env, f), "utf8"));
        if (hits.length) found.push(`${env}/${f}: ${hits.join(", ")}`);
      }
    }
    expect(found).toEqual([]);
  });

  it.each(ENVIRONMENT_NAMES)("%s: secrets reach only Kubernetes Secrets, as Pulumi secrets", async (env) => {
    const run = await runStackWithSecrets(env, { config: RENDER_CONFIG[env] });
    const found: string[] = [];
    let inSecrets = 0;
    for (const r of run.resources) {
      const text = JSON.stringify(unwrapSecrets(r.inputs));
      if (r.type === "kubernetes:core/v1:Secret") {
        inSecrets += leaks(text).length;
        // Every value of a Secret is a Pulumi secret, so `pulumi preview` and state show it encrypted.
        const isSecret = (v: unknown) => typeof v === "object" && v !== null && SECRET_SIG_KEY in v;
        const data = r.inputs.stringData;
        if (!isSecret(data))
          for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>))
            if (!isSecret(v)) found.push(`${r.name}.${k} is not secret`);
        continue;
      }
      const hits = leaks(text);
      if (hits.length) found.push(`${r.type} ${r.name}: ${hits.join(", ")}`);
    }
    expect(found).toEqual([]);
    // The check can see secrets: the database password is in the db-credentials Secret.
    expect(inSecrets).toBeGreaterThan(0);
  });

  it("composes the database URLs from the password, URL-encoded, and CloudNativePG's two Poolers", async () => {
    const run = await runStackWithSecrets("prod", { secrets: { dbPassword: "p@ss:w/rd%?#" } });
    const secret = run.resources.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === "secret/db-credentials",
    );
    const data = unwrapSecrets(secret?.inputs.stringData) as Record<string, string>;
    expect(data.url).toBe("postgresql://mcp:p%40ss%3Aw%2Frd%25%3F%23@postgres-pooler:5432/mcp_production");
    expect(data["replica-url"]).toBe(
      "postgresql://mcp:p%40ss%3Aw%2Frd%25%3F%23@postgres-pooler-ro:5432/mcp_production",
    );
    // The managed role reads the same password from the operator's basic-auth Secret.
    const role = run.resources.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name.endsWith("postgres-app-credentials"),
    );
    expect(unwrapSecrets(role?.inputs.stringData)).toEqual({ username: "mcp", password: "p@ss:w/rd%?#" });
  });

  it("takes an external engine's URLs from their secrets, as given", async () => {
    const run = await runStackWithSecrets("prod", {
      config: {
        database: {
          engine: "external",
          pooler: { enabled: false },
          // What a managed proxy in front of the instances accepts (RDS Proxy, Cloud SQL's pooler).
          postgres: { maxConnections: 6000 },
          external: { egress: [{ cidr: "10.20.0.0/16", port: 5432 }] },
        },
      },
      secrets: {
        databaseUrl: "postgresql://app:managed-pw-1@db-primary.prod.internal:5432/mcp",
        databaseReplicaUrl: "postgresql://app:managed-pw-1@db-replica.prod.internal:5432/mcp",
      },
    });
    const secret = run.resources.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === "secret/db-credentials",
    );
    expect(unwrapSecrets(secret?.inputs.stringData)).toEqual({
      url: "postgresql://app:managed-pw-1@db-primary.prod.internal:5432/mcp",
      "replica-url": "postgresql://app:managed-pw-1@db-replica.prod.internal:5432/mcp",
    });
    expect(JSON.stringify(secret?.inputs.stringData)).toContain(SECRET_SIG);
  });

  it("points staging's DATABASE_URL straight at the headless postgres Service (no pooler there)", async () => {
    const run = await runStackWithSecrets("staging");
    const secret = run.resources.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === "secret/db-credentials",
    );
    const data = unwrapSecrets(secret?.inputs.stringData) as Record<string, string>;
    expect(data.url).toBe(
      `postgresql://mcp:${encodeURIComponent(TEST_SECRETS.dbPassword)}@postgres:5432/mcp_staging`,
    );
    expect(data["replica-url"]).toBeUndefined();
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../../scripts/render-cli.js";

/**
 * Rotation without a stalled rollout, in today's rendered prod (pulumi backend; the External Secrets
 * backend's one coupled ExternalSecret is in external-secrets.test.ts).
 *
 * Engine rule: CloudNativePG reconciles a Cluster on a change of a Secret it does not own only when
 * the Secret carries `cnpg.io/reload` (cloudnative-pg internal/controller/cluster_predicates.go,
 * `hasReloadLabelSet`; the key is `utils.WatchedLabelName` = MetadataNamespace + "/reload",
 * pkg/utils/labels_annotations.go). Without it the managed role keeps the old password until a
 * periodic resync while the app's pods already use the new one.
 */
const rendered = (file: string) =>
  parse(readFileSync(join(REPO_ROOT, "rendered", "prod", file), "utf8")) as {
    metadata: { labels?: Record<string, string> };
    spec: {
      template: { spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] } };
    };
  };

describe("prod: a rotated database password", () => {
  it("is applied by CloudNativePG as soon as the role's Secret changes (cnpg.io/reload)", () => {
    expect(rendered("secret-postgres-app-credentials.yaml").metadata.labels?.["cnpg.io/reload"]).toBe("true");
  });

  it("reaches running app pods: the URLs are files the app re-reads for each new connection", () => {
    const app = rendered("deployment-mcp-backend.yaml").spec.template.spec.containers.find(
      (c) => c.name === "mcp-backend",
    );
    const env = Object.fromEntries((app?.env ?? []).map((e) => [e.name, e]));
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATABASE_URL_FILE?.value).toMatch(/^\/var\/run\/secrets\/mcp-backend\/db-credentials\/url$/);
    expect(env.DATABASE_REPLICA_URL_FILE?.value).toMatch(/\/db-credentials\/replica-url$/);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { kubernetesObjects, REVIEW_CONFIG } from "../../../stacks/kubernetes/render.js";
import { type MockRunResult, runUnderMocks } from "../../../stacks/mock-run.js";
import { SECRET_SIG } from "../../helpers/component-mocks.js";
import { podTemplates, type RenderedObject } from "./rendered-objects.js";

const VAULT = {
  ...REVIEW_CONFIG,
  secrets: {
    backend: "external-secrets",
    store: { provider: "vault", server: "https://vault.example.com", role: "mcp-backend" },
  },
};

interface ExternalSecretSpec {
  target: {
    name: string;
    template?: {
      type?: string;
      mergePolicy?: string;
      data?: Record<string, string>;
      metadata?: { labels?: Record<string, string> };
    };
  };
  data: { secretKey: string; remoteRef: { key: string } }[];
}

/**
 * ESO's v2 template for the one expression the stack uses, `{{ .k | urlquery | replace "+" "%20" }}`:
 * Go's text/template `urlquery` is net/url QueryEscape (unreserved A-Za-z0-9-_.~ kept, a space as
 * "+", every other byte %XX upper-case); sprig's `replace old new s` replaces every occurrence.
 */
function renderTemplate(template: string, values: Record<string, string>): string {
  const queryEscape = (v: string) =>
    [...Buffer.from(v, "utf8")]
      .map((b) => {
        const c = String.fromCharCode(b);
        if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
        if (c === " ") return "+";
        return `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
      })
      .join("");
  return template.replace(/\{\{ \.(\w+) \| urlquery \| replace "\+" "%20" \}\}/g, (_, k: string) =>
    queryEscape(values[k] ?? "").replaceAll("+", "%20"),
  );
}

/** Every Secret name/key a rendered workload or CloudNativePG object reads. */
function secretsRead(objects: readonly RenderedObject[]): string[] {
  const out = new Set<string>();
  for (const pod of podTemplates(objects)) {
    const spec = pod.spec as unknown as {
      containers: { env?: { valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }[];
      volumes?: { secret?: { secretName: string; items?: { key: string }[] } }[];
    };
    for (const c of spec.containers)
      for (const e of c.env ?? [])
        if (e.valueFrom?.secretKeyRef)
          out.add(`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
    for (const v of spec.volumes ?? [])
      if (v.secret)
        for (const i of v.secret.items ?? [{ key: "*" }]) out.add(`${v.secret.secretName}/${i.key}`);
  }
  const cluster = objects.find((o) => o.kind === "Cluster")?.spec as
    | { managed: { roles: { passwordSecret: { name: string } }[] } }
    | undefined;
  for (const r of cluster?.managed.roles ?? []) {
    out.add(`${r.passwordSecret.name}/username`);
    out.add(`${r.passwordSecret.name}/password`);
  }
  return [...out].sort();
}

describe("secrets.backend external-secrets (prod, Vault)", () => {
  let run: MockRunResult;
  let objects: RenderedObject[];
  beforeAll(async () => {
    // No secret config at all: the stack must not need a single value.
    run = await runUnderMocks("prod", { config: VAULT });
    objects = kubernetesObjects(run.resources);
  });

  it("needs no secret value and puts none into any resource (so none into Pulumi state)", () => {
    const wrapped = run.resources.filter((r) => JSON.stringify(r.inputs).includes(SECRET_SIG));
    expect(wrapped.map((r) => `${r.type} ${r.name}`)).toEqual([]);
    expect(objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name)).toEqual([]);
  });

  it("produces, through ExternalSecrets, exactly the Secret names and keys the workloads read", () => {
    const produced = objects
      .filter((o) => o.kind === "ExternalSecret")
      .flatMap((o) => {
        const spec = o.spec as ExternalSecretSpec;
        return [
          ...spec.data.map((d) => `${spec.target.name}/${d.secretKey}`),
          ...Object.keys(spec.target.template?.data ?? {}).map((k) => `${spec.target.name}/${k}`),
        ];
      })
      .sort();
    const read = secretsRead(objects).filter((r) => !r.endsWith("/*"));
    expect(read.length).toBeGreaterThan(4);
    for (const r of read) expect(produced, r).toContain(r);
    // Nothing produced that nobody reads, except the admin password Grafana reads by env in its objects.
    expect(produced.filter((p) => !read.includes(p))).toEqual([]);
  });

  it("reads every value from <keyPrefix>/<config key> in the store, the names pulumi config uses", () => {
    const keys = objects
      .filter((o) => o.kind === "ExternalSecret")
      .flatMap((o) => (o.spec as ExternalSecretSpec).data.map((d) => d.remoteRef.key));
    expect(keys).toContain("mcp-stack/prod/dbPassword");
    // CloudNativePG: the URLs are rendered from the password, never a second remote value.
    expect(keys).not.toContain("mcp-stack/prod/databaseUrl");
    expect(keys.every((k) => k.startsWith("mcp-stack/prod/"))).toBe(true);
  });

  it("writes the role's password and the app's URLs from one ExternalSecret, so they refresh together", () => {
    const role = objects.find(
      (o) => o.kind === "ExternalSecret" && o.metadata.name === "postgres-app-credentials",
    );
    const spec = role?.spec as ExternalSecretSpec;
    expect(spec.data.map((d) => d.secretKey).sort()).toEqual(["password", "username"]);
    // CloudNativePG reconciles on a change of a Secret it does not own only with this label
    // (cloudnative-pg internal/controller/cluster_predicates.go hasReloadLabelSet).
    expect(spec.target.template?.metadata?.labels?.["cnpg.io/reload"]).toBe("true");
    // With template data, ESO keeps the fetched keys only under Merge
    // (external-secrets pkg/controllers/externalsecret/externalsecret_controller_template.go).
    expect(spec.target.template?.mergePolicy).toBe("Merge");
    const password = "p+ss/w=rd ?&#%é";
    const values = { username: "mcp", password };
    const url = new URL(renderTemplate(spec.target.template?.data?.url ?? "", values));
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(`${url.host}${url.pathname}`).toBe("postgres-pooler:5432/mcp_production");
    const replica = new URL(renderTemplate(spec.target.template?.data?.["replica-url"] ?? "", values));
    expect(`${replica.host}${replica.pathname}`).toBe("postgres-pooler-ro:5432/mcp_production");
    // The app reads both from that Secret (as files it re-reads on each new connection).
    const pod = podTemplates(objects).find((p) => p.workload === "deployment/mcp-backend")!;
    const volumes = (
      pod.spec as unknown as { volumes: { secret?: { secretName: string; items: { key: string }[] } }[] }
    ).volumes.filter((v) => v.secret?.secretName === "postgres-app-credentials");
    expect(volumes.flatMap((v) => v.secret!.items.map((i) => i.key)).sort()).toEqual(["replica-url", "url"]);
    expect(objects.some((o) => o.kind === "ExternalSecret" && o.metadata.name === "db-credentials")).toBe(
      false,
    );
  });

  it("authenticates to Vault with Kubernetes auth, as its own ServiceAccount", () => {
    const store = objects.find((o) => o.kind === "SecretStore")?.spec as {
      provider: {
        vault: {
          server: string;
          auth: { kubernetes: { role: string; serviceAccountRef: { name: string } } };
        };
      };
    };
    expect(store.provider.vault.server).toBe("https://vault.example.com");
    expect(store.provider.vault.auth.kubernetes.role).toBe("mcp-backend");
    const sa = store.provider.vault.auth.kubernetes.serviceAccountRef.name;
    expect(objects.some((o) => o.kind === "ServiceAccount" && o.metadata.name === sa)).toBe(true);
  });

  it("restarts the pods that read a rotated Secret (Reloader), since no version exists on the Pulumi side", () => {
    for (const name of ["mcp-backend"]) {
      const pod = podTemplates(objects).find((p) => p.workload === `deployment/${name}`);
      if (!pod) throw new Error(`deployment/${name} not rendered`);
      const annotations = (
        pod.object.spec as { template: { metadata: { annotations: Record<string, string> } } }
      ).template.metadata.annotations;
      expect(annotations["secret.reloader.stakater.com/reload"]).toContain("postgres-app-credentials");
      expect(annotations["checksum/secrets"]).toBeUndefined();
    }
  });

  it("installs the operator (and Reloader) from pinned charts, protected in prod", () => {
    const releases = run.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const charts = releases.map((r) => r.inputs.chart);
    expect(charts).toEqual(expect.arrayContaining(["external-secrets", "reloader"]));
    for (const r of releases) expect(r.options.protect).toBe(true);
  });
});

describe("secrets.backend external-secrets (staging, AWS with IRSA)", () => {
  it("annotates the store's ServiceAccount with the IAM role, fetches the statefulset engine's password and renders its URL from it", async () => {
    const run = await runUnderMocks("staging", {
      config: {
        ...REVIEW_CONFIG,
        secrets: {
          backend: "external-secrets",
          store: {
            provider: "aws-secrets-manager",
            region: "eu-central-1",
            roleArn: "arn:aws:iam::123456789012:role/mcp-staging-secrets",
          },
        },
      },
    });
    const objects = kubernetesObjects(run.resources);
    const sa = objects.find(
      (o) => o.kind === "ServiceAccount" && JSON.stringify(o.metadata).includes("eks.amazonaws.com/role-arn"),
    );
    expect(JSON.stringify(sa?.metadata)).toContain("arn:aws:iam::123456789012:role/mcp-staging-secrets");
    const db = objects.find((o) => o.kind === "ExternalSecret" && o.metadata.name === "db-credentials");
    if (!db) throw new Error("no ExternalSecret db-credentials");
    const spec = db.spec as ExternalSecretSpec;
    // One value in the store: the URL is rendered from the password in the same write, so rotating the
    // password can never leave the app with the old one in a hand-kept databaseUrl.
    expect(spec.data.map((d) => `${d.secretKey} <- ${d.remoteRef.key}`)).toEqual([
      "password <- mcp-stack/staging/dbPassword",
    ]);
    expect(spec.target.template?.mergePolicy).toBe("Merge");
    const password = "p+ss/w=rd ?&#%é";
    const url = new URL(renderTemplate(spec.target.template?.data?.url ?? "", { password }));
    expect(decodeURIComponent(url.password)).toBe(password);
    // staging's model: user mcp, database mcp_staging, the statefulset's Service postgres.
    expect(`${url.username}@${url.host}${url.pathname}`).toBe("mcp@postgres:5432/mcp_staging");
  });
});

describe("secrets.backend external-secrets: bad config", () => {
  it("stops without a store, naming it and the config lines", async () => {
    await expect(
      runUnderMocks("prod", { config: { ...REVIEW_CONFIG, secrets: { backend: "external-secrets" } } }),
    ).rejects.toThrow(
      /prod: secrets.store: backend external-secrets needs a store.*secrets.store.provider vault/,
    );
  });
});

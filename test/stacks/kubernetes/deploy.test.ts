import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { asRunError, StackConfigError } from "../../../stacks/errors.js";
import { EXAMPLE_CONTEXT, RENDER_CONFIG } from "../../../stacks/kubernetes/render.js";
import {
  MOCK_LOAD_BALANCER_IP,
  type MockRunResult,
  type RegisteredResource,
  runUnderMocks,
} from "../../../stacks/mock-run.js";
import { SECRET_SIG } from "../../helpers/component-mocks.js";
import { ofType, runStackWithSecrets } from "../../helpers/stack.js";

const kubernetesResources = (run: MockRunResult) =>
  run.resources.filter((r) => r.type.startsWith("kubernetes:"));
const providers = (run: MockRunResult) => ofType(run, "pulumi:providers:kubernetes");

describe.each(["dev", "staging", "prod"] as const)("%s on Kubernetes: cluster targeting", (env) => {
  let run: MockRunResult;
  beforeAll(async () => {
    run = await runStackWithSecrets(env, { config: RENDER_CONFIG[env] });
  });

  it("creates exactly one Kubernetes provider, for the configured context", () => {
    const all = providers(run);
    expect(all.map((p) => p.name)).toEqual([`${env}-cluster`]);
    expect(all[0]?.inputs.context).toBe(EXAMPLE_CONTEXT);
  });

  // Pulumi inherits `providers` from a resource's parent chain (pulumi/pulumi sdk/nodejs resource.ts:
  // a child without its own provider takes its parent's for the same package); the request the SDK
  // sends carries the reference "<provider urn>::<id>". An empty reference means the default provider,
  // which Pulumi.yaml disables.
  it("hands that provider to every Kubernetes resource", () => {
    const provider = providers(run)[0] as RegisteredResource;
    const wrong = kubernetesResources(run)
      .filter((r) => !r.options.provider.includes(`pulumi:providers:kubernetes::${provider.name}::`))
      .map((r) => `${r.type} ${r.name} → "${r.options.provider}"`);
    expect(wrong).toEqual([]);
    expect(kubernetesResources(run).length).toBeGreaterThan(10);
  });
});

describe("a stack that names no cluster", () => {
  it.each(["staging", "prod"])("%s stops with the config lines to run", async (env) => {
    const error = await runStackWithSecrets(env, { config: { kubeContext: undefined } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as Error).message).toBe(
      `${env}: no cluster named; run one of:\n` +
        "  pulumi config set mcp-stack:kubeContext <context>\n" +
        '  pulumi config set --secret mcp-stack:kubeconfig "$(cat <kubeconfig file>)"',
    );
  });

  it("treats the Pulumi.yaml default (an empty context) as unset", async () => {
    await expect(runStackWithSecrets("prod", { config: { kubeContext: "" } })).rejects.toThrow(
      "no cluster named",
    );
  });

  it("dev on a local cluster needs one too", async () => {
    await expect(
      runStackWithSecrets("dev", { config: { target: "kubernetes", kubeContext: undefined } }),
    ).rejects.toThrow("dev: no cluster named");
  });

  it("dev on Docker does not", async () => {
    const run = await runStackWithSecrets("dev", { config: { kubeContext: undefined } });
    expect(providers(run)).toEqual([]);
  });

  it("accepts a kubeconfig secret instead, kept secret", async () => {
    const run = await runStackWithSecrets("prod", {
      config: { kubeContext: undefined },
      secrets: { kubeconfig: "apiVersion: v1\nkind: Config\n# kubeconfig-body-91aa" },
    });
    const p = providers(run)[0] as RegisteredResource;
    expect(JSON.stringify(p.inputs.kubeconfig)).toContain("kubeconfig-body-91aa");
    // Serialised as a Pulumi secret: the SDK's secret signature wraps it.
    expect(JSON.stringify(p.inputs.kubeconfig)).toContain(SECRET_SIG);
  });

  it("reaches the CLI as the message alone: config errors become RunErrors (no stack trace)", () => {
    const converted = asRunError(new StackConfigError("prod: x"));
    expect(converted).toBeInstanceOf(pulumi.RunError);
    expect((converted as Error).message).toBe("prod: x");
    const other = new TypeError("bug");
    expect(asRunError(other)).toBe(other);
  });
});

describe("protection of prod data", () => {
  let prod: MockRunResult;
  let staging: MockRunResult;
  beforeAll(async () => {
    // One mock run at a time: the SDK's mocks are process-global.
    prod = await runStackWithSecrets("prod", { config: RENDER_CONFIG.prod });
    staging = await runStackWithSecrets("staging", { config: RENDER_CONFIG.staging });
  });

  // `protect` fails any delete or replace of the resource (pulumi destroy, removal from the program,
  // a replacement) until it is lifted; `retainOnDelete` makes Pulumi forget the object rather than
  // delete it. Kubernetes deletes everything in a deleted Namespace, and a PVC's dynamically provisioned
  // volume with it (reclaimPolicy Delete), so both get both.
  it("protects and retains the Namespace and every PersistentVolumeClaim", () => {
    const data = prod.resources.filter((r) =>
      ["kubernetes:core/v1:Namespace", "kubernetes:core/v1:PersistentVolumeClaim"].includes(r.type),
    );
    expect(data.length).toBeGreaterThanOrEqual(2);
    for (const r of data)
      expect([r.name, r.options.protect, r.options.retainOnDelete]).toEqual([r.name, true, true]);
  });

  it("protects every StatefulSet, whose claims outlive it", () => {
    const sets = ofType(prod, "kubernetes:apps/v1:StatefulSet");
    expect(sets.length).toBeGreaterThan(0);
    for (const r of sets) {
      expect([r.name, r.options.protect]).toEqual([r.name, true]);
      const spec = r.inputs.spec as {
        persistentVolumeClaimRetentionPolicy?: unknown;
        volumeClaimTemplates?: unknown[];
      };
      if (spec.volumeClaimTemplates?.length)
        expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({
          whenDeleted: "Retain",
          whenScaled: "Retain",
        });
    }
  });

  it("protects nothing else (a Deployment or a Secret can be replaced freely)", () => {
    const protectedTypes = new Set(prod.resources.filter((r) => r.options.protect).map((r) => r.type));
    expect(
      [...protectedTypes].filter((t) => !/Namespace|PersistentVolumeClaim|StatefulSet|cnpg|helm.sh/.test(t)),
    ).toEqual([]);
  });

  it("leaves staging destroyable", () => {
    expect(staging.resources.filter((r) => r.options.protect || r.options.retainOnDelete)).toEqual([]);
  });
});

describe("config changes reach the pods", () => {
  const annotations = (run: MockRunResult, kind: string, name: string) => {
    const r = kubernetesResources(run).find(
      (x) => x.type.endsWith(`:${kind}`) && x.name.endsWith(`/${name}`),
    );
    if (!r) throw new Error(`no ${kind} ${name}`);
    const spec = r.inputs.spec as { template: { metadata: { annotations?: Record<string, string> } } };
    return spec.template.metadata.annotations ?? {};
  };

  // Kubernetes rolls a Deployment or StatefulSet only when its pod template changes; env vars from a
  // Secret and files from a subPath mount are read once, at container start.
  it("restarts the app when a secret value changes, and only then", async () => {
    const withPassword = (dbPassword: string) =>
      runStackWithSecrets("prod", { config: RENDER_CONFIG.prod, secrets: { dbPassword } });
    const a = await withPassword("first-pass");
    const again = await withPassword("first-pass");
    const b = await withPassword("second-pass");
    const secretsOf = (run: MockRunResult) =>
      annotations(run, "Deployment", "mcp-backend")["checksum/secrets"];
    expect(secretsOf(a)).toMatch(/^[a-f0-9]{16}$/);
    expect(secretsOf(again)).toBe(secretsOf(a));
    expect(secretsOf(b)).not.toBe(secretsOf(a));
    expect(annotations(b, "Deployment", "mcp-backend")["checksum/config"]).toBe(
      annotations(a, "Deployment", "mcp-backend")["checksum/config"],
    );
  });

  it("restarts Postgres and its exporter when the password changes, so the role takes the new one", async () => {
    const withPassword = (dbPassword: string) =>
      runStackWithSecrets("staging", { config: RENDER_CONFIG.staging, secrets: { dbPassword } });
    const a = await withPassword("first-pass");
    const again = await withPassword("first-pass");
    const b = await withPassword("second-pass");
    for (const [kind, name] of [
      ["StatefulSet", "postgres"],
      ["Deployment", "postgres-exporter"],
    ] as const) {
      const secretsOf = (run: MockRunResult) => annotations(run, kind, name)["checksum/secrets"];
      expect(secretsOf(a), name).toMatch(/^[a-f0-9]{16}$/);
      expect(secretsOf(again), name).toBe(secretsOf(a));
      expect(secretsOf(b), name).not.toBe(secretsOf(a));
    }
    expect(annotations(b, "StatefulSet", "postgres")["checksum/config"]).toBe(
      annotations(a, "StatefulSet", "postgres")["checksum/config"],
    );
  });

  it("restarts Redis when its config changes", async () => {
    const a = await runStackWithSecrets("prod", { config: RENDER_CONFIG.prod });
    const b = await runStackWithSecrets("prod", {
      config: { ...RENDER_CONFIG.prod, redis: { aof: { enabled: true, fsync: "always" } } },
    });
    expect(annotations(b, "StatefulSet", "redis")["checksum/config"]).not.toBe(
      annotations(a, "StatefulSet", "redis")["checksum/config"],
    );
  });
});

describe("stack outputs", () => {
  let prod: MockRunResult;
  let staging: MockRunResult;
  beforeAll(async () => {
    // One mock run at a time: the SDK's mocks are process-global.
    prod = await runStackWithSecrets("prod", { config: RENDER_CONFIG.prod });
    staging = await runStackWithSecrets("staging", { config: RENDER_CONFIG.staging });
  });

  it("exports the LoadBalancer's address once the cloud has assigned it", () => {
    expect(prod.outputs.appExternalAddress).toBe(MOCK_LOAD_BALANCER_IP);
    expect(staging.outputs.appExternalAddress).toBeNull();
  });

  it("exports each UI's in-cluster URL and its port-forward line, with the stack's context", () => {
    expect(prod.outputs.consoles).toEqual({
      grafana: {
        url: "http://grafana.production.svc:3000",
        portForward: `kubectl --context ${EXAMPLE_CONTEXT} -n production port-forward svc/grafana 3000:3000`,
      },
      prometheus: {
        url: "http://prometheus.production.svc:9090",
        portForward: `kubectl --context ${EXAMPLE_CONTEXT} -n production port-forward svc/prometheus 9090:9090`,
      },
      alertmanager: {
        url: "http://alertmanager.production.svc:9093",
        portForward: `kubectl --context ${EXAMPLE_CONTEXT} -n production port-forward svc/alertmanager 9093:9093`,
      },
    });
    expect((staging.outputs.consoles as Record<string, { url: string }>).tracing?.url).toBe(
      "http://jaeger.staging.svc:16686",
    );
  });

  it("names a Service that exists for every console", () => {
    for (const run of [prod, staging]) {
      const services = ofType(run, "kubernetes:core/v1:Service").map((s) => {
        const spec = s.inputs.spec as { ports: { port: number }[] };
        return { name: (s.inputs.metadata as { name: string }).name, ports: spec.ports.map((p) => p.port) };
      });
      for (const c of Object.values(run.outputs.consoles as Record<string, { portForward: string }>)) {
        const [, name, port] = /svc\/(\S+) (\d+):/.exec(c.portForward) ?? [];
        expect(services.find((s) => s.name === name)?.ports).toContain(Number(port));
      }
    }
  });
});

describe("prod traces land somewhere", () => {
  it("stops when no tracing backend is configured, naming the key", async () => {
    await expect(
      runStackWithSecrets("prod", { config: { ...RENDER_CONFIG.prod, jaeger: undefined } }),
    ).rejects.toThrow(
      /prod: jaeger.collector.exportEndpoint is not set.*\n {2}pulumi config set --path mcp-stack:jaeger.collector.exportEndpoint <host>:4317/,
    );
  });

  it("exports to the configured backend", async () => {
    const run = await runStackWithSecrets("prod", {
      config: { ...RENDER_CONFIG.prod, jaeger: { collector: { exportEndpoint: "tempo.tracing.svc:4317" } } },
    });
    const config = ofType(run, "kubernetes:core/v1:ConfigMap").find((c) =>
      c.name.endsWith("otel-collector-config"),
    );
    expect(JSON.stringify(config?.inputs.data)).toContain("endpoint: tempo.tracing.svc:4317");
  });
});

describe("a prod stack with nothing configured", () => {
  // The first `pulumi preview` must be the whole checklist: every key without a default, each with the
  // line to run, in one error (not one per run).
  it("stops once, listing every missing key with its pulumi config set line", async () => {
    const error = await runUnderMocks("prod", { config: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^prod: 5 configuration problems; fix them all, then run again:\n- /);
    for (const line of [
      "pulumi config set --secret mcp-stack:dbPassword <value>",
      "pulumi config set --secret mcp-stack:apiKeys <value>",
      "pulumi config set mcp-stack:kubeContext <context>",
      "pulumi config set --path mcp-stack:jaeger.collector.exportEndpoint",
      "pulumi config set --path mcp-stack:backups.objectStore.destinationPath s3://<bucket>/<path>",
      "pulumi config set mcp-stack:imageRegistry <registry>/<namespace>",
    ])
      expect(message).toContain(line);
  });

  it("keeps a single problem's message as it was", async () => {
    const error = await runStackWithSecrets("prod", {
      config: { ...RENDER_CONFIG.prod, kubeContext: undefined },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^prod: no cluster named; run one of:/);
  });
});

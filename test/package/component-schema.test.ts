import { readFileSync } from "node:fs";
import path from "node:path";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/index.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as pluginEntry from "../../index.js";
import { analyzePackage, compact, compactAll, PROVIDER } from "./component-schema.js";

/**
 * The package as a Pulumi component package (PulumiPlugin.yaml): the schema the Node SDK's analyzer
 * infers from index.ts's components is what `pulumi package add` turns into a Python, Go, C#, Java or
 * YAML SDK. Pinned here per component: type token, inputs (type, optional, plain or Input, described)
 * and outputs. The token is `<package>:index:<Class>`, and the classes register under that same token
 * from TypeScript (with an alias to their old `mcp-stack:infra:<Class>`; test/infra/lib/component-type.test.ts).
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;

const SUPPORTED = [
  "Alertmanager",
  "AppImage",
  "AppSecrets",
  "Backups",
  "CloudNativePgDatabase",
  "DataOperators",
  "DevApp",
  "DevDatabase",
  "EnvironmentNamespace",
  "ExternalSecrets",
  "ExternalSecretsOperator",
  "Grafana",
  "Jaeger",
  "McpBackend",
  "NetworkPolicies",
  "OperatorMonitoring",
  "OtelCollector",
  "PgvectorPostgres",
  "Prometheus",
  "Redis",
  "ServiceMesh",
] as const;

const { schema } = analyzePackage(pkg, SUPPORTED);
const resource = (name: string) => schema.resources[`${PROVIDER}:index:${name}`]!;
const type = (name: string) => schema.types[`${PROVIDER}:index:${name}`] as Record<string, unknown>;

describe("the Pulumi component package", () => {
  it("is a nodejs plugin that runs the built index.ts on plain node and analyzes index.ts", () => {
    const plugin = parse(readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8"));
    expect(plugin.runtime.name).toBe("nodejs");
    // No tsx and no source condition: the installed package has neither (test/package/consume.test.ts).
    expect(plugin.runtime.options).toEqual({ packagemanager: "npm", typescript: false });
    // The host requires `main`; the analyzer, finding no dist/index.ts, falls back to ./index.ts.
    expect(pkg.main).toBe("./dist/index.js");
    expect((pkg.exports as Record<string, Record<string, string>>)["."]).toEqual({
      "@mcp-stack/source": "./index.ts",
      types: "./dist/index.d.ts",
      default: "./dist/index.js",
    });
  });

  it("serves exactly the supported components (what the plugin host finds in index.ts)", () => {
    expect(
      getPulumiComponents(pluginEntry)
        .map((c) => c.name)
        .sort(),
    ).toEqual([...SUPPORTED]);
  });

  it("names each component <package>:index:<Class> and describes it", () => {
    expect(Object.keys(schema.resources).sort()).toEqual(SUPPORTED.map((n) => `mcp-stack:index:${n}`));
    for (const r of Object.values(schema.resources)) {
      expect(r.isComponent).toBe(true);
      expect(r.description?.length).toBeGreaterThan(20);
    }
  });

  it("describes every input of every component and every property of every type", () => {
    const undocumented = [
      ...Object.entries(schema.resources).flatMap(([token, r]) =>
        Object.entries(r.inputProperties)
          .filter(([, p]) => !p.description)
          .map(([k]) => `${token}.${k}`),
      ),
      ...Object.entries(schema.types).flatMap(([token, t]) =>
        Object.entries(t.properties ?? {})
          .filter(([, p]) => !p.description)
          .map(([k]) => `${token}.${k}`),
      ),
    ];
    expect(undocumented).toEqual([]);
  });

  it("infers McpBackend's inputs and outputs", () => {
    const r = resource("McpBackend");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "input string",
      image: "input string",
      version: "string",
      name: "string?",
      instance: "string?",
      containerPort: "number?",
      replicas: "number?",
      autoscaling: "Autoscaling?",
      maxSurge: "number?",
      maxUnavailable: "number?",
      resources: "ContainerResources",
      livenessProbe: "HttpProbe",
      readinessProbe: "HttpProbe",
      preStopSleepSeconds: "number?",
      terminationGracePeriodSeconds: "number?",
      serviceType: "ServiceType?",
      servicePort: "number?",
      pdbMinAvailable: "number?",
      config: "{}string?",
      secretEnv: "{}SecretKeyRef?",
      secretFiles: "{}SecretKeyRef?",
      secretVersion: "input string?",
      podAnnotations: "{}string?",
      writablePaths: "string[]?",
      runAsUser: "number?",
      imagePullPolicy: "ImagePullPolicy?",
      metricsPath: "string?",
      metricsPort: "number?",
    });
    expect(r.requiredInputs).toEqual([
      "image",
      "livenessProbe",
      "namespace",
      "readinessProbe",
      "resources",
      "version",
    ]);
    expect(compactAll(r.properties, true)).toEqual({
      serviceName: "string",
      servicePort: "number",
      url: "string",
      selector: "{}string",
      externalAddress: "string?",
    });
    expect(r.inputProperties.image?.description).toContain("The app image");
  });

  it("infers PgvectorPostgres's inputs and outputs", () => {
    const r = resource("PgvectorPostgres");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "input string",
      image: "string",
      database: "string",
      user: "string",
      passwordSecret: "SecretKeyRef",
      secretVersion: "input string?",
      podAnnotations: "{}string?",
      memory: "string",
      cpu: "string",
      tuning: "PostgresTuning",
      storage: "string",
      storageClass: "string?",
      exporterImage: "string?",
      shmSize: "string?",
      name: "string?",
      instance: "string?",
    });
    expect(compactAll(r.properties, true)).toEqual({
      serviceName: "string",
      exporterServiceName: "string",
      port: "number",
      selector: "{}string",
      exporterSelector: "{}string",
    });
  });

  it("infers Redis's inputs and outputs", () => {
    const r = resource("Redis");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "input string",
      image: "string",
      exporterImage: "string",
      maxmemory: "string",
      maxmemoryPolicy: "string?",
      rdbSaves: "RdbSave[]?",
      aof: "RedisAof?",
      resources: "ContainerResources",
      storage: "string",
      storageClass: "string?",
      name: "string?",
      instance: "string?",
    });
    expect(compactAll(r.properties, true)).toEqual({
      serviceName: "string",
      port: "number",
      exporterServiceName: "string",
      url: "string",
      selector: "{}string",
    });
  });

  it("infers Prometheus's inputs and outputs", () => {
    const r = resource("Prometheus");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "string",
      namespaceRef: "input string?",
      image: "string",
      config: "string",
      rules: "{}string?",
      retention: "string?",
      storage: "string?",
      storageClass: "string?",
      networkPolicies: "boolean?",
      dns: "ClusterDns?",
      instance: "string?",
      podLabels: "{}string?",
      podAnnotations: "{}string?",
    });
    expect(r.requiredInputs).toEqual(["config", "image", "namespace"]);
    expect(compactAll(r.properties, true)).toEqual({ url: "string" });
    expect(r.inputProperties.retention?.description).toContain('Defaults to "15d"');
  });

  it("infers Grafana's inputs and outputs, the admin password as a value or an existing Secret", () => {
    const r = resource("Grafana");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "string",
      namespaceRef: "input string?",
      image: "string",
      adminPassword: "input string?",
      adminPasswordSecret: "SecretKeyRef?",
      datasources: "string",
      dashboardProvider: "string",
      dashboardsDir: "string",
      dashboards: "{}string?",
      port: "number?",
      storage: "string",
      storageClass: "string?",
      networkPolicies: "boolean?",
      dns: "ClusterDns?",
      jaegerEgress: "boolean?",
      instance: "string?",
    });
    expect(r.requiredInputs).toEqual([
      "dashboardProvider",
      "dashboardsDir",
      "datasources",
      "image",
      "namespace",
      "storage",
    ]);
    expect(compactAll(r.properties, true)).toEqual({ url: "string" });
    expect(r.inputProperties.adminPasswordSecret?.description).toContain("Exactly one of adminPassword and");
  });

  it("infers Alertmanager's inputs and outputs", () => {
    const r = resource("Alertmanager");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "string",
      namespaceRef: "input string?",
      image: "string",
      config: "string",
      alertReceiver: "input string?",
      alertReceiverProvided: "boolean?",
      networkPolicies: "boolean?",
      dns: "ClusterDns?",
      instance: "string?",
    });
    expect(compactAll(r.properties, true)).toEqual({ url: "string" });
  });

  it("infers Jaeger's and OtelCollector's inputs and outputs", () => {
    const j = resource("Jaeger");
    expect(compactAll(j.inputProperties)).toEqual({
      namespace: "string",
      namespaceRef: "input string?",
      image: "string",
      networkPolicies: "boolean?",
      dns: "ClusterDns?",
      instance: "string?",
    });
    expect(compactAll(j.properties, true)).toEqual({ otlpEndpoint: "string" });
    const o = resource("OtelCollector");
    expect(compactAll(o.inputProperties)).toEqual({
      namespace: "string",
      namespaceRef: "input string?",
      image: "string",
      exportEndpoint: "string",
      config: "string",
      networkPolicies: "boolean?",
      dns: "ClusterDns?",
      instance: "string?",
    });
    expect(o.requiredInputs).toEqual(["config", "exportEndpoint", "image", "namespace"]);
    expect(compactAll(o.properties, true)).toEqual({ otlpEndpoint: "string" });
    expect(o.inputProperties.config?.description).toContain("otelCollectorYaml()");
  });

  it("infers NetworkPolicies' inputs and outputs: the flow model as plain types", () => {
    const r = resource("NetworkPolicies");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "input string",
      groups: "PodGroup[]",
      flows: "Flow[]",
      defaultDeny: "boolean?",
      allowDns: "boolean?",
      peerPolicies: "boolean?",
      dns: "ClusterDns?",
    });
    expect(r.requiredInputs).toEqual(["flows", "groups", "namespace"]);
    expect(compactAll(r.properties, true)).toEqual({ policyNames: "string[]" });
    const type = (n: string) => schema.types[`${PROVIDER}:index:${n}`] as Record<string, unknown>;
    expect(compactAll(type("Flow").properties as never)).toEqual({
      from: "string?",
      fromExternal: "ExternalTarget?",
      to: "string?",
      toExternal: "ExternalTarget?",
      port: "number",
      protocol: "FlowProtocol?",
    });
    expect(compactAll(type("ClusterDns").properties as never)).toEqual({
      namespace: "string",
      addresses: "string[]",
    });
    expect(compactAll(type("PodGroup").properties as never)).toEqual({
      name: "string",
      selector: "{}string",
      owned: "boolean?",
      serviceAccount: "string?",
      meshed: "boolean?",
    });
    expect(compactAll(type("ExternalTarget").properties as never)).toMatchObject({
      cidr: "string?",
      meshIdentity: "MeshIdentity?",
    });
  });

  it("infers ServiceMesh's inputs and outputs, the mesh as an enum", () => {
    const r = resource("ServiceMesh");
    expect(compactAll(r.inputProperties)).toEqual({
      mesh: "MeshKind",
      namespace: "string",
      groups: "PodGroup[]",
      flows: "Flow[]",
      opaquePorts: "number[]?",
      trustDomain: "string?",
      istioRevision: "string?",
      linkerdDefaultInboundPolicy: "LinkerdInboundPolicy?",
      controlPlaneNamespace: "string?",
      istioHbone: "boolean?",
      networkPolicies: "boolean?",
    });
    expect(compactAll(r.properties, true)).toEqual({
      mesh: "MeshKind",
      namespaceLabels: "{}string",
      namespaceAnnotations: "{}string",
      podAnnotations: "{}string",
      optOutLabels: "{}string",
      optOutAnnotations: "{}string",
      policyNames: "string[]",
      policyUrns: "string[]",
    });
    expect((schema.types[`${PROVIDER}:index:MeshKind`] as { enum: unknown }).enum).toEqual([
      { name: "Istio", value: "istio" },
      { name: "Linkerd", value: "linkerd" },
    ]);
  });

  it("infers EnvironmentNamespace's inputs and outputs", () => {
    const r = resource("EnvironmentNamespace");
    expect(compactAll(r.inputProperties)).toEqual({
      name: "string",
      labels: "{}string?",
      annotations: "{}string?",
      podSecurity: "PodSecurityLevel?",
    });
    expect(r.requiredInputs).toEqual(["name"]);
    expect(compactAll(r.properties, true)).toMatchObject({ name: "string" });
    expect(r.inputProperties.podSecurity?.description).toContain('Defaults to "restricted"');
  });

  it("infers Backups's inputs and outputs", () => {
    const r = resource("Backups");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "input string",
      image: "string",
      schedule: "string?",
      retentionDays: "number",
      storage: "string",
      storageClass: "string?",
      host: "string",
      port: "number?",
      database: "string",
      user: "string",
      passwordSecret: "SecretKeyRef",
      mountPath: "string?",
      name: "string?",
      podAnnotations: "{}string?",
    });
    expect(compactAll(r.properties, true)).toEqual({
      claimName: "string",
      cronJobName: "string",
      selector: "{}string",
    });
  });

  it("infers AppSecrets's inputs and outputs: the database composed or given, in one type", () => {
    const r = resource("AppSecrets");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "input string",
      database: "AppDatabase",
      redisUrl: "input string?",
      sentryDsn: "input string?",
      openaiApiKey: "input string?",
      apiKeys: "input string?",
      envNames: "AppSecretEnvNames?",
    });
    expect(r.requiredInputs).toEqual(["database", "namespace"]);
    expect(compactAll(r.properties, true)).toEqual({
      secretEnv: "{}SecretKeyRef",
      passwordRef: "SecretKeyRef",
      userRef: "SecretKeyRef",
      databaseUrl: "string",
      version: "string",
    });
    expect(compactAll(type("AppDatabase").properties as never)).toEqual({
      user: "string?",
      password: "input string?",
      primary: "DatabaseEndpoint?",
      replica: "DatabaseEndpoint?",
      url: "input string?",
      replicaUrl: "input string?",
    });
  });

  it("infers CloudNativePgDatabase's inputs and outputs, pooler and backup switched off by enabled", () => {
    const r = resource("CloudNativePgDatabase");
    expect(compactAll(r.inputProperties)).toEqual({
      name: "string",
      namespace: "input string",
      instances: "number?",
      image: "string?",
      storage: "CloudNativePgStorage",
      resources: "CpuMemoryResources",
      parameters: "{}string?",
      podAntiAffinityType: "PodAntiAffinityType?",
      podAnnotations: "{}string?",
      database: "string",
      owner: "string",
      password: "input string?",
      initdb: "CloudNativePgInitdb?",
      restore: "CloudNativePgRestore?",
      pooler: "CloudNativePgPooler?",
      backup: "CloudNativePgBackup",
      enablePodMonitor: "boolean?",
      podMonitorLabels: "{}string?",
      podMonitorRelabelings: "CloudNativePgRelabeling[]?",
      instance: "string?",
    });
    expect(r.requiredInputs).toEqual([
      "backup",
      "database",
      "name",
      "namespace",
      "owner",
      "resources",
      "storage",
    ]);
    expect(compactAll(r.properties, true)).toEqual({
      primaryHost: "string",
      replicaHost: "string",
      directPrimaryHost: "string",
      port: "number",
      database: "string",
      user: "string",
      credentialsSecretName: "string",
      clusterName: "string",
      poolerName: "string?",
      objectStoreName: "string?",
    });
    const pooler = type("CloudNativePgPooler").properties as Record<string, { description?: string }>;
    expect(compact(pooler.enabled as never)).toBe("boolean?");
    expect(pooler.enabled?.description).toContain("Defaults to true");
    expect(compactAll(type("CloudNativePgBackup").properties as never).destinationPath).toBe("string?");
    expect(type("PoolMode").enum).toEqual([
      { name: "Session", value: "session", description: expect.any(String) },
      { name: "Transaction", value: "transaction", description: expect.any(String) },
    ]);
  });

  it("infers DataOperators's and ExternalSecretsOperator's inputs: an OperatorMode enum, versions as a type", () => {
    const d = resource("DataOperators");
    expect(compactAll(d.inputProperties)).toEqual({
      mode: "OperatorMode",
      namespace: "string?",
      certManagerNamespace: "string?",
      versions: "DataOperatorVersions?",
    });
    expect(compactAll(d.properties, true)).toEqual({ namespace: "string" });
    const e = resource("ExternalSecretsOperator");
    expect(compactAll(e.inputProperties)).toEqual({
      mode: "OperatorMode",
      namespace: "string?",
      reloader: "boolean?",
      versions: "ExternalSecretsOperatorVersions?",
    });
    expect(compactAll(e.properties, true)).toEqual({ namespace: "string" });
    expect((type("OperatorMode").enum as { value: string }[]).map((m) => m.value)).toEqual([
      "install",
      "existing",
    ]);
  });

  it("infers ExternalSecrets's inputs and outputs: one store type whose provider is an enum", () => {
    const r = resource("ExternalSecrets");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "string",
      store: "SecretStoreSettings",
      storeKind: "SecretStoreKind?",
      storeName: "string?",
      serviceAccountName: "string?",
      refreshInterval: "string?",
      secrets: "(input TargetSecret)[]",
    });
    expect(compactAll(r.properties, true)).toEqual({
      secretNames: "string[]",
      secretKeys: "{}string[]",
      storeName: "string",
      storeKind: "SecretStoreKind",
      serviceAccountName: "string?",
      podAnnotations: "{}string",
    });
    expect(compactAll(type("SecretStoreSettings").properties as never)).toEqual({
      provider: "SecretStoreProvider",
      server: "string?",
      path: "string?",
      version: "VaultKvVersion?",
      vaultNamespace: "string?",
      mountPath: "string?",
      role: "string?",
      audiences: "string[]?",
      region: "string?",
      auth: "AwsStoreAuth?",
      roleArn: "string?",
      assumeRole: "string?",
      vaultUrl: "string?",
      clientId: "string?",
      tenantId: "string?",
    });
    expect((type("SecretStoreProvider").enum as { value: string }[]).map((m) => m.value)).toEqual([
      "vault",
      "aws-secrets-manager",
      "azure-key-vault",
    ]);
  });

  it("infers OperatorMonitoring's inputs and outputs: rules as rules files, like Prometheus'", () => {
    const r = resource("OperatorMonitoring");
    expect(compactAll(r.inputProperties)).toEqual({
      namespace: "string",
      selectorLabels: "{}string",
      namespaceRef: "input string?",
      podMonitors: "ScrapeTarget[]?",
      serviceMonitors: "ScrapeTarget[]?",
      scrapeInterval: "string?",
      rules: "{}string?",
      dashboards: "OperatorDashboards?",
      instance: "string?",
    });
    expect(r.requiredInputs).toEqual(["namespace", "selectorLabels"]);
    expect(compactAll(r.properties, true)).toEqual({ ruleNames: "string[]" });
  });

  it("infers AppImage's, DevApp's and DevDatabase's inputs and outputs", () => {
    expect(compactAll(resource("AppImage").inputProperties)).toEqual({
      imageName: "string",
      context: "string",
      dockerfile: "string?",
      target: "string?",
      platform: "string?",
      nativePlatform: "boolean?",
      registry: "RegistryCredentials?",
      push: "boolean?",
    });
    expect(compactAll(resource("AppImage").properties, true)).toEqual({ imageName: "string", ref: "string" });
    const container = "/docker/v5.2.0/schema.json#/resources/docker:index%2Fcontainer:Container";
    const app = resource("DevApp");
    expect(compactAll(app.inputProperties)).toEqual({
      context: "string",
      dockerfile: "string?",
      target: "string?",
      imageName: "string?",
      environment: "input {}(input string)",
      network: "input string",
      aliases: "string[]?",
      port: "number?",
      hostPort: "number?",
      mounts: "(input BindMount)[]?",
      command: "string[]?",
      workingDir: "string?",
      restart: "RestartPolicy?",
    });
    expect(compactAll(app.properties, true)).toEqual({ image: "string", container, url: "string" });
    const db = resource("DevDatabase");
    expect(compactAll(db.inputProperties)).toEqual({
      image: "string",
      database: "string",
      user: "string",
      password: "input string",
      network: "input string",
      aliases: "string[]?",
      publishPort: "boolean?",
      hostPort: "number?",
      volumeName: "string?",
      postgresArgs: "string[]?",
      memoryMb: "number?",
      restart: "RestartPolicy?",
      waitTimeoutSeconds: "number?",
    });
    expect(db.requiredInputs).toEqual(["database", "image", "network", "password", "user"]);
    expect(compactAll(db.properties, true)).toEqual({
      container,
      volumeName: "string",
      host: "string",
      url: "string",
      hostUrl: "string?",
    });
    expect((type("RestartPolicy").enum as { value: string }[]).map((m) => m.value)).toEqual([
      "no",
      "on-failure",
      "always",
      "unless-stopped",
    ]);
  });

  it("names no schema type …Args: each language adds its own suffix (Go, Python, C#: <Type>Args)", () => {
    const names = Object.keys(schema.types).map((t) => t.replace(`${PROVIDER}:index:`, ""));
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => n.endsWith("Args"))).toEqual([]);
  });

  it("turns the shared Args types into schema types and literal sets into enums", () => {
    // SecretKeyRef is also an output's type (AppSecrets.secretEnv), so the schema lets it be an Input.
    expect(compactAll(type("SecretKeyRef").properties as never, true)).toEqual({
      secretName: "string",
      key: "string",
    });
    expect(compactAll(type("ResourceQuantities").properties as never)).toEqual({
      cpu: "string",
      memory: "string",
      ephemeralStorage: "string",
    });
    // Enum members come in the order TypeScript holds the union's members, which is not the source's.
    const byValue = (e: unknown) =>
      [...(e as { value: string }[])].sort((a, b) => a.value.localeCompare(b.value));
    expect(byValue(type("ServiceType").enum)).toEqual([
      { name: "ClusterIP", value: "ClusterIP" },
      { name: "LoadBalancer", value: "LoadBalancer" },
      { name: "NodePort", value: "NodePort" },
    ]);
    expect(byValue(type("AofFsync").enum)).toEqual([
      { name: "Always", value: "always" },
      { name: "Everysec", value: "everysec" },
      { name: "No", value: "no" },
    ]);
  });

  it("offers every exported component: the building blocks TypeScript imports are the ones other languages get", async () => {
    const all = getPulumiComponents(await import("../../infra/index.js")).map((c) => c.name);
    expect(all.sort()).toEqual([...SUPPORTED].sort());
  });
});

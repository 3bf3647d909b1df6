import type * as pulumi from "@pulumi/pulumi";
import { output as pulumiOutput } from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import { EnvironmentNamespace, protectData } from "../../infra/index.js";
import { ConfigChecklist } from "../errors.js";
import { appImage, imageSource, readImageConfig } from "../image.js";
import type { StackSecrets } from "../stack-config.js";
import { deployAppTier } from "./app-tier.js";
import { assertClusterNamed, clusterProvider, readClusterConfig } from "./cluster.js";
import { consoles } from "./consoles.js";
import { assertDatabaseConfig } from "./database.js";
import { deployMesh, meshRendering } from "./mesh.js";
import { assertTracingBackend } from "./monitoring.js";
import { deployMonitoringInMode, withoutBundledMonitoring } from "./monitoring-operator.js";

/** Compose the infra components of an environment on Kubernetes. */
export function deployKubernetes(
  env: ResolvedEnvironment,
  secrets: StackSecrets,
  config: pulumi.Config,
  checklist: ConfigChecklist = new ConfigChecklist(env.name),
) {
  // Config problems stop the program before any resource is registered, all of them in one error.
  const cluster = readClusterConfig(config);
  checklist.check(() => assertClusterNamed(env, cluster));
  checklist.check(() => assertTracingBackend(env));
  checklist.check(() => assertDatabaseConfig(env, secrets));
  checklist.check(() => imageSource(env, readImageConfig(config)));
  checklist.done();
  const image = appImage(env, config);
  const provider = clusterProvider(env, cluster);
  // The mesh's namespace labels / annotations and pod settings are known before anything is created.
  const mesh = meshRendering(env);
  // Everything below is parented to the namespace component: its provider and transformations reach
  // every Kubernetes resource of the environment.
  const ns = new EnvironmentNamespace(
    env.kubernetes.namespace,
    {
      name: env.kubernetes.namespace,
      labels: { ...mesh?.namespaceLabels, "app.kubernetes.io/part-of": "mcp-stack", environment: env.name },
      annotations: mesh?.namespaceAnnotations,
    },
    { providers: [provider], transformations: env.kubernetes.protectData ? [protectData] : [] },
  );
  const app = deployAppTier({
    env,
    secrets,
    namespace: ns.name,
    image,
    parent: ns,
    namespaceResource: ns.resource,
    mesh,
  });
  const monitoring = deployMonitoringInMode({ env, secrets, namespace: ns.name, parent: ns, mesh });
  const serviceMesh = deployMesh(env, ns);
  return {
    namespace: ns.name,
    image,
    ...app,
    ...monitoring,
    consoles: consoles(withoutBundledMonitoring(env), ns.name, cluster.context),
    meshPolicies: pulumiOutput(serviceMesh?.policyNames ?? null),
  };
}

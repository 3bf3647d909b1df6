import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { type KubeObject, registerObjects } from "../../k8s/lib/manifests.js";
import { assertValid, namespacePatch } from "../../k8s/lib/register.js";
import { withSecretsChecksum } from "../../k8s/lib/secrets-checksum.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { imageTag } from "../lib/workload.js";
import { workloadSecret } from "../lib/workload-secret.js";
import { GRAFANA_DEFAULTS, type GrafanaArgs, validateGrafanaArgs } from "./args.js";
import {
  GRAFANA_ADMIN_SECRET,
  grafanaObjects,
  GRAFANA_ADMIN_PASSWORD_KEY as PASSWORD_KEY,
} from "./objects.js";

/** Grafana with the Prometheus (and Jaeger) datasources and the MCP Backend dashboard provisioned. */
export class Grafana extends pulumi.ComponentResource {
  /** In-cluster URL of the UI. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Grafana"), name, {}, componentOptions("Grafana", opts));
    assertValid("Grafana", validateGrafanaArgs(args));
    const placed = namespacePatch(args.namespaceRef);
    const objects = grafanaObjects(args);
    if (args.adminPassword === undefined) {
      registerObjects(objects, { parent: this, patch: placed });
    } else {
      const secret = workloadSecret(
        {
          namespace: args.namespace,
          namespaceRef: args.namespaceRef,
          name: GRAFANA_ADMIN_SECRET,
          workload: S.grafana.name,
          version: imageTag(args.image),
          instance: args.instance ?? GRAFANA_DEFAULTS.instance,
          key: PASSWORD_KEY,
          value: args.adminPassword,
        },
        this,
      );
      // The admin password is read at start: a change must restart Grafana.
      registerObjects(objects, {
        parent: this,
        patch: (obj) => withSecretsChecksum(placed(obj) as KubeObject, secret.metadata.resourceVersion),
        opts: { dependsOn: [secret] },
      });
    }
    this.url = pulumi.output(`http://${S.grafana.name}:${args.port ?? GRAFANA_DEFAULTS.port}`);
    this.registerOutputs({ url: this.url });
  }
}

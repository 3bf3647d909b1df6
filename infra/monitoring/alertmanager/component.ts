import { MONITORING_PATHS as P, MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { registerObjects } from "../../k8s/lib/manifests.js";
import { namespacePatch } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { imageTag } from "../lib/workload.js";
import { workloadSecret } from "../lib/workload-secret.js";
import { ALERTMANAGER_DEFAULTS, type AlertmanagerArgs } from "./args.js";
import { ALERT_RECEIVER_SECRET, alertmanagerObjects } from "./objects.js";

/** Alertmanager with the given config and, when alertReceiver is set, its receiver secret mounted. */
export class Alertmanager extends pulumi.ComponentResource {
  /** In-cluster URL of Alertmanager. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Alertmanager"), name, {}, componentOptions("Alertmanager", opts));
    const deps: pulumi.Resource[] = [];
    if (args.alertReceiver !== undefined) {
      deps.push(
        workloadSecret(
          {
            namespace: args.namespace,
            namespaceRef: args.namespaceRef,
            name: ALERT_RECEIVER_SECRET,
            workload: S.alertmanager.name,
            version: imageTag(args.image),
            instance: args.instance ?? ALERTMANAGER_DEFAULTS.instance,
            key: P.alertmanagerSecretKey,
            value: args.alertReceiver,
          },
          this,
        ),
      );
    }
    registerObjects(alertmanagerObjects(args), {
      parent: this,
      patch: namespacePatch(args.namespaceRef),
      opts: { dependsOn: deps },
    });
    this.url = pulumi.output(`http://${S.alertmanager.name}:${S.alertmanager.port}`);
    this.registerOutputs({ url: this.url });
  }
}

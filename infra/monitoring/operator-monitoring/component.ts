import * as pulumi from "@pulumi/pulumi";
import { type KubeObject, registerObjects } from "../../k8s/lib/manifests.js";
import { assertValid } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { type OperatorMonitoringArgs, validateOperatorMonitoringArgs } from "./args.js";
import { operatorMonitoringObjects } from "./objects.js";

/**
 * What a Prometheus Operator needs to monitor the namespace (PodMonitors, ServiceMonitors,
 * PrometheusRules) and Grafana's sidecar needs to show it (dashboard ConfigMaps), one Pulumi resource
 * per object.
 */
export class OperatorMonitoring extends pulumi.ComponentResource {
  /** Names of the PrometheusRule objects. */
  public readonly ruleNames: pulumi.Output<string[]>;

  constructor(name: string, args: OperatorMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("OperatorMonitoring"), name, {}, componentOptions("OperatorMonitoring", opts));
    assertValid("OperatorMonitoring", validateOperatorMonitoringArgs(args));
    const ref = args.namespaceRef;
    const patch = (obj: KubeObject): pulumi.Inputs =>
      ref === undefined || obj.metadata.namespace !== args.namespace
        ? obj
        : { ...obj, metadata: { ...obj.metadata, namespace: ref } };
    const objects = operatorMonitoringObjects(args);
    registerObjects(objects, { parent: this, patch });
    this.ruleNames = pulumi.output(
      objects.filter((o) => o.kind === "PrometheusRule").map((o) => o.metadata.name),
    );
    this.registerOutputs({ ruleNames: this.ruleNames });
  }
}

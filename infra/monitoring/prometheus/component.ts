import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { registerObjects } from "../../k8s/lib/manifests.js";
import { assertValid, namespacePatch } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { type PrometheusArgs, validatePrometheusArgs } from "./args.js";
import { prometheusObjects } from "./objects.js";

/** Prometheus with the given config and rules, on a PVC, scraping through Kubernetes service discovery. */
export class Prometheus extends pulumi.ComponentResource {
  /** In-cluster URL of the Prometheus API. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Prometheus"), name, {}, componentOptions("Prometheus", opts));
    assertValid("Prometheus", validatePrometheusArgs(args));
    registerObjects(prometheusObjects(args), { parent: this, patch: namespacePatch(args.namespaceRef) });
    this.url = pulumi.output(`http://${S.prometheus.name}:${S.prometheus.port}`);
    this.registerOutputs({ url: this.url });
  }
}

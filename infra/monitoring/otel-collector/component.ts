import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { registerObjects } from "../../k8s/lib/manifests.js";
import { namespacePatch } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import type { OtelCollectorArgs } from "./args.js";
import { otelCollectorObjects } from "./objects.js";

/** The OpenTelemetry Collector: OTLP in for the app, batched OTLP out to a tracing backend. */
export class OtelCollector extends pulumi.ComponentResource {
  /** OTLP gRPC endpoint for the app (OTLP_ENDPOINT). */
  public readonly otlpEndpoint: pulumi.Output<string>;

  constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("OtelCollector"), name, {}, componentOptions("OtelCollector", opts));
    registerObjects(otelCollectorObjects(args), { parent: this, patch: namespacePatch(args.namespaceRef) });
    this.otlpEndpoint = pulumi.output(`http://${S.otelCollector.name}:${S.otelCollector.ports.otlpGrpc}`);
    this.registerOutputs({ otlpEndpoint: this.otlpEndpoint });
  }
}

import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { registerObjects } from "../../k8s/lib/manifests.js";
import { assertValid, namespacePatch } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { type JaegerArgs, validateJaegerArgs } from "./args.js";
import { jaegerObjects } from "./objects.js";

/** Jaeger all-in-one: in-memory traces, OTLP for the app, the UI for Grafana and users. */
export class Jaeger extends pulumi.ComponentResource {
  /** OTLP gRPC endpoint for the app. */
  public readonly otlpEndpoint: pulumi.Output<string>;

  constructor(name: string, args: JaegerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Jaeger"), name, {}, componentOptions("Jaeger", opts));
    assertValid("Jaeger", validateJaegerArgs(args));
    registerObjects(jaegerObjects(args), { parent: this, patch: namespacePatch(args.namespaceRef) });
    this.otlpEndpoint = pulumi.output(`http://${S.jaeger.name}:${S.jaeger.ports.otlpGrpc}`);
    this.registerOutputs({ otlpEndpoint: this.otlpEndpoint });
  }
}

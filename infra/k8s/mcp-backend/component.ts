import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { selectorLabels } from "../lib/kube-parts.js";
import type { KubeObject } from "../lib/manifests.js";
import { registerNamespaced } from "../lib/register.js";
import { withPodAnnotations, withSecretsChecksum } from "../lib/secrets-checksum.js";
import { MCP_BACKEND_DEFAULTS as D, type McpBackendArgs } from "./args.js";
import { mcpBackendObjects } from "./objects.js";

/** Put the image (e.g. a pushed digest, known only at deploy time) into the app container. */
function withImage(obj: KubeObject, name: string, image: pulumi.Input<string>): KubeObject | pulumi.Inputs {
  if (obj.kind !== "Deployment") return obj;
  const spec = obj.spec as { template: { spec: { containers: { name: string }[] } } };
  const containers = spec.template.spec.containers.map((c) => (c.name === name ? { ...c, image } : c));
  return {
    ...obj,
    spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } },
  };
}

/**
 * The MCP backend workload, as the reference's production Deployment: RollingUpdate (surge 1,
 * unavailable 0), Prometheus scrape annotations, secrets by secretKeyRef, settings from a ConfigMap,
 * split liveness/readiness probes, a preStop drain, a Service, an optional HPA, a PDB and a
 * ServiceAccount without a token — hardened to the "restricted" Pod Security Standard.
 */
export class McpBackend extends pulumi.ComponentResource {
  /** Name of the Deployment and Service. */
  public readonly serviceName: string;
  /** Port of the Service. */
  public readonly servicePort: number;
  /** In-cluster URL of the Service. */
  public readonly url: pulumi.Output<string>;
  /** Pod labels a NetworkPolicy selects the app by. */
  public readonly selector: Record<string, string>;
  /**
   * The address a LoadBalancer Service was given (`status.loadBalancer.ingress[0]`: IP or host name),
   * known once the cloud's controller has provisioned it; undefined for other Service types.
   */
  public readonly externalAddress: pulumi.Output<string | undefined>;

  constructor(name: string, args: McpBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("McpBackend"), name, {}, componentOptions("McpBackend", opts));
    const objects = mcpBackendObjects(args);
    this.serviceName = args.name ?? D.name;
    this.servicePort = args.servicePort ?? D.servicePort;
    this.selector = selectorLabels(this.serviceName);
    const resources = registerNamespaced(objects, args.namespace, this, (obj) =>
      withPodAnnotations(
        withSecretsChecksum(withImage(obj, this.serviceName, args.image) as KubeObject, args.secretVersion),
        args.podAnnotations,
      ),
    );
    this.url = pulumi.interpolate`http://${this.serviceName}.${args.namespace}.svc:${this.servicePort}`;
    const service = resources.find(
      (r): r is kubernetes.core.v1.Service => r instanceof kubernetes.core.v1.Service,
    );
    this.externalAddress =
      service && (args.serviceType ?? D.serviceType) === "LoadBalancer"
        ? service.status.apply((st) => {
            const ingress = st?.loadBalancer?.ingress?.[0];
            return ingress?.ip ?? ingress?.hostname;
          })
        : pulumi.output(undefined);
    this.registerOutputs({
      serviceName: this.serviceName,
      servicePort: this.servicePort,
      url: this.url,
      externalAddress: this.externalAddress,
    });
  }
}

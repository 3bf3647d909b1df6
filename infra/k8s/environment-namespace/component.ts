import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { type EnvironmentNamespaceArgs, PodSecurityLevel } from "./args.js";

/** The namespace an environment deploys into, with Pod Security Admission enforced. */
export class EnvironmentNamespace extends pulumi.ComponentResource {
  /** The namespace name. */
  public readonly name: pulumi.Output<string>;
  /** The Namespace object, for dependsOn where a namespace is given as a plain string. */
  public readonly resource: k8s.core.v1.Namespace;

  constructor(name: string, args: EnvironmentNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("EnvironmentNamespace"), name, {}, componentOptions("EnvironmentNamespace", opts));
    const level = args.podSecurity ?? PodSecurityLevel.Restricted;
    const annotations = args.annotations ?? {};
    const ns = new k8s.core.v1.Namespace(
      args.name,
      {
        metadata: {
          name: args.name,
          labels: {
            ...args.labels,
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/warn": level,
            "pod-security.kubernetes.io/audit": level,
          },
          ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
        },
      },
      { parent: this },
    );
    this.name = ns.metadata.name;
    this.resource = ns;
    this.registerOutputs({ name: this.name });
  }
}

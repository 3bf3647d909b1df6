import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface EnvironmentNamespaceArgs {
  /** Namespace name (`production` for prod, as in the reference). */
  readonly name: string;
  /** Labels added to the namespace. Defaults to none. */
  readonly labels?: Record<string, string>;
  /**
   * Pod Security Admission level enforced on the namespace.
   * Defaults to "restricted"; every container the stack owns meets it.
   */
  readonly podSecurity?: "restricted" | "baseline" | "privileged";
}

/** The namespace an environment deploys into, with Pod Security Admission enforced. */
export class EnvironmentNamespace extends pulumi.ComponentResource {
  /** The namespace name. */
  public readonly name: pulumi.Output<string>;
  /** The Namespace object, for dependsOn where a namespace is given as a plain string. */
  public readonly resource: k8s.core.v1.Namespace;

  constructor(name: string, args: EnvironmentNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:EnvironmentNamespace", name, {}, opts);
    const level = args.podSecurity ?? "restricted";
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
        },
      },
      { parent: this },
    );
    this.name = ns.metadata.name;
    this.resource = ns;
    this.registerOutputs({ name: this.name });
  }
}

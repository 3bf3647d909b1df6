import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { monitoringLabels } from "./workload.js";

/** One value a monitoring workload reads from a Secret of its own (Grafana's admin password, a receiver URL). */
export interface WorkloadSecretArgs {
  /** Namespace name, as in the resource's logical name. */
  readonly namespace: string;
  /** The Namespace resource's name, so the Secret waits for it. Defaults to `namespace`. */
  readonly namespaceRef?: pulumi.Input<string>;
  /** The Secret's name. */
  readonly name: string;
  /** The workload it belongs to, its version and instance: its labels. */
  readonly workload: string;
  readonly version: string;
  readonly instance: string;
  /** The key and the value, which stays a Pulumi secret (encrypted in state, never in plain text). */
  readonly key: string;
  readonly value: pulumi.Input<string>;
}

/** The Secret, parented to the component that owns the workload. */
export function workloadSecret(args: WorkloadSecretArgs, parent: pulumi.Resource): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${args.namespace}/secret/${args.name}`,
    {
      metadata: {
        name: args.name,
        namespace: args.namespaceRef ?? args.namespace,
        labels: monitoringLabels(args.workload, args.version, args.instance),
      },
      type: "Opaque",
      stringData: { [args.key]: pulumi.secret(args.value) },
    },
    { parent },
  );
}

import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { pinnedRelease } from "../lib/helm-release.js";
import { assertValid } from "../lib/register.js";
import {
  EXTERNAL_SECRETS_CHARTS_REPO,
  EXTERNAL_SECRETS_NAMESPACE,
  type ExternalSecretsOperatorArgs,
  SECRETS_OPERATOR_VERSIONS,
  STAKATER_CHARTS_REPO,
  validateExternalSecretsOperatorArgs,
} from "./args.js";

/**
 * The External Secrets Operator (CRDs included) and Stakater Reloader. Pass the component itself as
 * `dependsOn` of every ExternalSecrets, so its custom resources meet installed CRDs and webhooks: a
 * dependency on a component waits for every resource under it (none in "existing" mode).
 */
export class ExternalSecretsOperator extends pulumi.ComponentResource {
  /** Namespace of the operator and Reloader. */
  public readonly namespace: string;

  constructor(name: string, args: ExternalSecretsOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      componentType("ExternalSecretsOperator"),
      name,
      {},
      componentOptions("ExternalSecretsOperator", opts),
    );
    assertValid("ExternalSecretsOperator", validateExternalSecretsOperatorArgs(args));
    this.namespace = args.namespace ?? EXTERNAL_SECRETS_NAMESPACE;
    const v = { ...SECRETS_OPERATOR_VERSIONS, ...args.versions };
    if (args.mode === "install") {
      const release = (id: string, a: k8s.helm.v3.ReleaseArgs) =>
        pinnedRelease(this, `${name}-${id}`, { namespace: this.namespace, ...a });
      release("external-secrets", {
        name: "external-secrets",
        chart: "external-secrets",
        version: v.externalSecrets,
        repositoryOpts: { repo: EXTERNAL_SECRETS_CHARTS_REPO },
        values: { installCRDs: true },
      });
      if (args.reloader ?? true)
        release("reloader", {
          name: "reloader",
          chart: "reloader",
          version: v.reloader,
          repositoryOpts: { repo: STAKATER_CHARTS_REPO },
          // An annotation on the pod template instead of a dummy env var: a smaller change to the
          // workloads Pulumi applies (server-side apply leaves Reloader's field alone).
          values: { reloader: { reloadStrategy: "annotations" } },
        });
    }
    this.registerOutputs({ namespace: this.namespace });
  }
}

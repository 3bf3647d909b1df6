import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { pinnedRelease } from "../lib/helm-release.js";
import { assertValid } from "../lib/register.js";
import {
  CNPG_CHARTS_REPO,
  CNPG_OPERATOR_NAMESPACE,
  DATA_OPERATOR_VERSIONS,
  type DataOperatorsArgs,
  JETSTACK_CHARTS_REPO,
  validateDataOperatorsArgs,
} from "./args.js";

/**
 * The operators the CloudNativePG databases need: cert-manager (the plugin's TLS certificates), the
 * CloudNativePG operator, and the Barman Cloud plugin after both. Pass the component itself as
 * `dependsOn` of every CloudNativePgDatabase, so its custom resources meet installed CRDs and webhooks:
 * a dependency on a component waits for every resource under it (none in "existing" mode).
 */
export class DataOperators extends pulumi.ComponentResource {
  /** Namespace of the operator and plugin. */
  public readonly namespace: string;

  constructor(name: string, args: DataOperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("DataOperators"), name, {}, componentOptions("DataOperators", opts));
    assertValid("DataOperators", validateDataOperatorsArgs(args));
    this.namespace = args.namespace ?? CNPG_OPERATOR_NAMESPACE;
    const v = { ...DATA_OPERATOR_VERSIONS, ...args.versions };
    if (args.mode === "existing") {
      this.registerOutputs({ namespace: this.namespace });
      return;
    }
    const release = (id: string, a: k8s.helm.v3.ReleaseArgs, dependsOn: pulumi.Resource[] = []) =>
      pinnedRelease(this, `${name}-${id}`, a, dependsOn);
    const certManager = release("cert-manager", {
      name: "cert-manager",
      chart: "cert-manager",
      version: v.certManager,
      repositoryOpts: { repo: JETSTACK_CHARTS_REPO },
      namespace: args.certManagerNamespace ?? "cert-manager",
      values: { crds: { enabled: true } },
    });
    const operator = release("cloudnative-pg", {
      name: "cnpg",
      chart: "cloudnative-pg",
      version: v.cloudnativePg,
      repositoryOpts: { repo: CNPG_CHARTS_REPO },
      namespace: this.namespace,
      values: { crds: { create: true } },
    });
    // The plugin's chart issues its certificates with cert-manager and registers with the operator.
    release(
      "barman-cloud",
      {
        name: "plugin-barman-cloud",
        chart: "plugin-barman-cloud",
        version: v.barmanCloud,
        repositoryOpts: { repo: CNPG_CHARTS_REPO },
        namespace: this.namespace,
        values: { crds: { create: true } },
      },
      [certManager, operator],
    );
    this.registerOutputs({ namespace: this.namespace });
  }
}

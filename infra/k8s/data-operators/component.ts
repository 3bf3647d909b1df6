import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { type OperatorMode, operatorArgsIssues, pinnedRelease } from "../lib/helm-release.js";
import { assertValid } from "../lib/register.js";

/** Helm repository of the CloudNativePG operator and the Barman Cloud plugin (cloudnative-pg/charts). */
/** Where the operator and the Barman Cloud plugin run unless told otherwise. */
export const CNPG_OPERATOR_NAMESPACE = "cnpg-system";

export const CNPG_CHARTS_REPO = "https://cloudnative-pg.github.io/charts";
/** Helm repository of cert-manager. */
export const JETSTACK_CHARTS_REPO = "https://charts.jetstack.io";

/** Chart versions, pinned. Each names the application version it ships (the chart's appVersion). */
export const DATA_OPERATOR_VERSIONS = {
  /** Chart cloudnative-pg 0.29.0 ships the CloudNativePG operator 1.30.0. */
  cloudnativePg: "0.29.0",
  /** Chart plugin-barman-cloud 0.7.0 ships the Barman Cloud plugin v0.13.0. */
  barmanCloud: "0.7.0",
  /** cert-manager's chart is versioned as the app: v1.21.1. */
  certManager: "v1.21.1",
} as const;

/** Chart versions of DataOperators, each exact. */
export interface DataOperatorVersions {
  /** Chart cloudnative-pg. Defaults to DATA_OPERATOR_VERSIONS.cloudnativePg. */
  readonly cloudnativePg?: string;
  /** Chart plugin-barman-cloud. Defaults to DATA_OPERATOR_VERSIONS.barmanCloud. */
  readonly barmanCloud?: string;
  /** Chart cert-manager. Defaults to DATA_OPERATOR_VERSIONS.certManager. */
  readonly certManager?: string;
}

export interface DataOperatorsArgs {
  /**
   * "install" deploys cert-manager, the CloudNativePG operator and the Barman Cloud plugin with Helm;
   * "existing" creates nothing (a platform team runs them).
   */
  readonly mode: OperatorMode;
  /**
   * Namespace of the operator and the plugin (the plugin must live with the operator). Defaults to
   * "cnpg-system".
   */
  readonly namespace?: string;
  /** Namespace of cert-manager. Defaults to "cert-manager". */
  readonly certManagerNamespace?: string;
  /** Chart versions. Defaults to DATA_OPERATOR_VERSIONS. */
  readonly versions?: DataOperatorVersions;
}

/** Invariants of {@link DataOperatorsArgs}; [] when valid. */
export function validateDataOperatorsArgs(args: DataOperatorsArgs): string[] {
  return operatorArgsIssues(args.mode, args.versions);
}

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

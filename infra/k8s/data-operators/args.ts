import { type OperatorMode, operatorArgsIssues } from "../lib/helm-release.js";

/** Where the operator and the Barman Cloud plugin run unless told otherwise. */
export const CNPG_OPERATOR_NAMESPACE = "cnpg-system";

/** Helm repository of the CloudNativePG operator and the Barman Cloud plugin (cloudnative-pg/charts). */
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

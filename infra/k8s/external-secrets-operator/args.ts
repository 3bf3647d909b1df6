import { type OperatorMode, operatorArgsIssues } from "../lib/helm-release.js";

/** Helm repository of the External Secrets Operator (external-secrets/external-secrets). */
export const EXTERNAL_SECRETS_CHARTS_REPO = "https://charts.external-secrets.io";
/** Helm repository of Stakater Reloader (stakater/Reloader). */
export const STAKATER_CHARTS_REPO = "https://stakater.github.io/stakater-charts";
/** Where the operator runs unless told otherwise. */
export const EXTERNAL_SECRETS_NAMESPACE = "external-secrets";

/** Chart versions, pinned. Each names the application version it ships (the chart's appVersion). */
export const SECRETS_OPERATOR_VERSIONS = {
  /** Chart external-secrets 2.9.0 ships ESO v2.9.0 (API external-secrets.io/v1). */
  externalSecrets: "2.9.0",
  /** Chart reloader 2.2.16 ships Stakater Reloader v1.4.21. */
  reloader: "2.2.16",
} as const;

/** Chart versions of ExternalSecretsOperator, each exact. */
export interface ExternalSecretsOperatorVersions {
  /** Chart external-secrets. Defaults to SECRETS_OPERATOR_VERSIONS.externalSecrets. */
  readonly externalSecrets?: string;
  /** Chart reloader. Defaults to SECRETS_OPERATOR_VERSIONS.reloader. */
  readonly reloader?: string;
}

export interface ExternalSecretsOperatorArgs {
  /**
   * "install" deploys the operator (with its CRDs) and Stakater Reloader with Helm; "existing" creates
   * nothing (a platform team runs them).
   */
  readonly mode: OperatorMode;
  /** Namespace of the operator and Reloader. Defaults to "external-secrets". */
  readonly namespace?: string;
  /**
   * Install Stakater Reloader, which rolls the workloads when ESO rewrites a Secret. Defaults to true;
   * false when the cluster already runs it.
   */
  readonly reloader?: boolean;
  /** Chart versions. Defaults to SECRETS_OPERATOR_VERSIONS. */
  readonly versions?: ExternalSecretsOperatorVersions;
}

/** Invariants of {@link ExternalSecretsOperatorArgs}; [] when valid. */
export function validateExternalSecretsOperatorArgs(args: ExternalSecretsOperatorArgs): string[] {
  return operatorArgsIssues(args.mode, args.versions);
}

/** Pod Security Admission levels. */
export const PodSecurityLevel = {
  Restricted: "restricted",
  Baseline: "baseline",
  Privileged: "privileged",
} as const;
export type PodSecurityLevel = (typeof PodSecurityLevel)[keyof typeof PodSecurityLevel];

export interface EnvironmentNamespaceArgs {
  /** Namespace name (`production` for prod, as in the reference). */
  readonly name: string;
  /** Labels added to the namespace (e.g. Istio's `istio-injection: enabled`). Defaults to none. */
  readonly labels?: Record<string, string>;
  /**
   * Annotations added to the namespace (e.g. Linkerd's `linkerd.io/inject: enabled`, which every pod
   * created in it inherits). Defaults to none.
   */
  readonly annotations?: Record<string, string>;
  /**
   * Pod Security Admission level enforced on the namespace.
   * Defaults to "restricted"; every container the stack owns meets it.
   */
  readonly podSecurity?: PodSecurityLevel;
}

import * as istioSecurity from "@kubernetes-models/istio/security.istio.io/v1";
import * as prometheusOperator from "@kubernetes-models/prometheus-operator";
import * as kubernetesModels from "kubernetes-models";
import { CNPG_SCHEMAS, crdIssues } from "../../infra/k8s/cloud-native-pg-database/crds.js";
import {
  ISTIO_SECURITY_API_VERSION,
  istioCrdIssues,
  LINKERD_POLICY_GROUP,
  linkerdCrdIssues,
} from "../../infra/k8s/service-mesh/crds.js";

/** Anything that looks like a Kubernetes object. */
export interface KubeLike {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [key: string]: unknown;
}

// The Prometheus Operator's kinds (monitoring.coreos.com) come from its own kubernetes-models package.
const models = { ...kubernetesModels, ...prometheusOperator };

type ModelCtor = new (data: unknown) => { validate(): void };

/** kubernetes-models groups its packages by API group, camel-cased: "networking.k8s.io" → networkingK8sIo. */
function groupModule(apiVersion: string): Record<string, unknown> | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const key = group === "" ? "v1" : group!.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase());
  const mod = (models as unknown as Record<string, Record<string, Record<string, unknown>>>)[key];
  if (!mod) return undefined;
  return group === "" ? (mod as Record<string, unknown>) : mod[version!];
}

/**
 * Validate an object against the Kubernetes OpenAPI schema (kubernetes-models' generated validators).
 * Throws an Error naming the object and the first invalid field.
 */
export function validateKubeObject(obj: KubeLike): void {
  // CloudNativePG and Barman Cloud kinds: the strict schemas generated from the operators' CRDs.
  if (`${obj.apiVersion}/${obj.kind}` in CNPG_SCHEMAS) {
    const issues = crdIssues(obj as Parameters<typeof crdIssues>[0]);
    if (issues.length > 0) throw new Error(issues.join("; "));
    return;
  }
  // Linkerd's policy kinds: the strict schemas written from its published CRDs.
  if (obj.apiVersion.startsWith(`${LINKERD_POLICY_GROUP}/`)) {
    const issues = linkerdCrdIssues(obj);
    if (issues.length > 0) throw new Error(issues.join("; "));
    return;
  }
  // Istio's: the strict schemas (unknown fields) and @kubernetes-models/istio (types, enums).
  if (obj.apiVersion === ISTIO_SECURITY_API_VERSION) {
    const issues = istioCrdIssues(obj);
    if (issues.length > 0) throw new Error(issues.join("; "));
    const Ctor = (istioSecurity as unknown as Record<string, ModelCtor | undefined>)[obj.kind];
    if (!Ctor) throw new Error(`${obj.apiVersion}/${obj.kind}: no schema for this kind`);
    new Ctor(obj).validate();
    return;
  }
  const mod = groupModule(obj.apiVersion);
  const Ctor = mod?.[obj.kind] as ModelCtor | undefined;
  const id = `${obj.apiVersion}/${obj.kind} ${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? "?"}`;
  if (!Ctor) throw new Error(`${id}: no schema for this apiVersion/kind`);
  try {
    new Ctor(obj).validate();
  } catch (err) {
    throw new Error(`${id}: ${(err as Error).message}`);
  }
}

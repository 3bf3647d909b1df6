/**
 * The custom resources whose TypeScript types and zod schemas `npm run crds:generate` writes to
 * infra/k8s/lib/crds/generated/, each from the CRD manifest its operator's release ships in its Go module.
 * The module versions are the ones engines/crds/go.mod requires (one pin for the generated code and for
 * the CRDs the deploy tests apply), and its go.sum fixes their content.
 *
 * Not here, hand-written instead (the Go module proxy serves no module at the version the stack uses):
 * - External Secrets Operator v2.9.0: the module path has no /v2 suffix, so the proxy serves v0/v1 only
 *   (infra/k8s/external-secrets/crds.ts);
 * - Linkerd: linkerd/linkerd2 tags are not semantic versions and the proxy refuses its module; its
 *   CRDs are also Helm templates (infra/k8s/service-mesh/crds.ts).
 */

/** One kind at one version of a CRD manifest in a Go module. */
export interface CrdSource {
  /** Go module path, required by engines/crds/go.mod. */
  readonly module: string;
  /** The manifest inside the module (one or more CustomResourceDefinition documents). */
  readonly file: string;
  readonly kind: string;
  /** The served version generated; a CRD's other versions are left out. */
  readonly version: string;
}

const CNPG = "github.com/cloudnative-pg/cloudnative-pg";
const BARMAN_CLOUD = "github.com/cloudnative-pg/plugin-barman-cloud";
const ISTIO_API = "istio.io/api";
// Istio ships every CRD in one manifest; security.istio.io serves v1 and v1beta1 with one schema.
const ISTIO_CRDS = "kubernetes/customresourcedefinitions.gen.yaml";

export const CRD_SOURCES: readonly CrdSource[] = [
  { module: CNPG, file: "config/crd/bases/postgresql.cnpg.io_clusters.yaml", kind: "Cluster", version: "v1" },
  { module: CNPG, file: "config/crd/bases/postgresql.cnpg.io_poolers.yaml", kind: "Pooler", version: "v1" },
  {
    module: CNPG,
    file: "config/crd/bases/postgresql.cnpg.io_scheduledbackups.yaml",
    kind: "ScheduledBackup",
    version: "v1",
  },
  {
    module: BARMAN_CLOUD,
    file: "config/crd/bases/barmancloud.cnpg.io_objectstores.yaml",
    kind: "ObjectStore",
    version: "v1",
  },
  { module: ISTIO_API, file: ISTIO_CRDS, kind: "PeerAuthentication", version: "v1" },
  { module: ISTIO_API, file: ISTIO_CRDS, kind: "AuthorizationPolicy", version: "v1" },
];

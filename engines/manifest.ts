/**
 * The real engines the deploy tests run: one entry per binary, pinned here and in the Go build
 * module beside it (engines/<module>/go.mod, go.sum). scripts/engines builds them from the Go module
 * proxy into a cache outside the repository, keyed by the build inputs (so by version), or uses one
 * already installed at the pinned version.
 *
 * test/engines/manifest.test.ts holds these pins against the go.mod files and against the npm
 * packages the project runs with (@pulumi/pulumi, @pulumi/kubernetes).
 */

/** Release versions, each written once. */
export const VERSIONS = {
  /** The CLI, built from github.com/pulumi/pulumi/pkg/v3 at the @pulumi/pulumi npm version. */
  pulumi: "3.276.0",
  /**
   * The language hosts. Since sdk/v3 v3.67 each host is a module of its own with only pseudo-versions,
   * none of which the proxy serves (engines/README.md lists what was tried); v3.66.0 is the newest
   * tagged sdk/v3 that carries the Node.js, Python and Go hosts as packages.
   */
  languageHosts: "3.66.0",
  /**
   * pulumi-language-nodejs: our own host (engines/language-nodejs), built against sdk/v3 at the CLI's
   * version; the build metadata tells it apart from upstream's in `pulumi about` and plugin listings.
   */
  languageNodejs: "3.276.0+mcp-stack",
  /**
   * pulumi-resource-kubernetes: the proxy serves the provider module at one pseudo-version only,
   * v4.0.0-20260115033456-f47bc2d6f199, the commit npm's @pulumi/kubernetes 4.25.0 was released from.
   */
  kubernetesProvider: "4.25.0",
  /** kube-apiserver, kube-controller-manager, kube-scheduler and kubectl, from k8s.io/kubernetes. */
  kubernetes: "1.36.3",
  /** etcd for Kubernetes 1.36 (Debian's 3.4 is older than it accepts). */
  etcd: "3.6.16",
  /** KWOK: fake Nodes, Pods that become Ready and PVCs that bind, without a kubelet. */
  kwok: "0.8.0",
  /** The CloudNativePG operator the pinned chart ships (infra/k8s/data-operators/args.ts): its CRDs. */
  cloudnativePg: "1.30.0",
  /** The Barman Cloud plugin the pinned chart ships: its ObjectStore CRD. */
  barmanCloudPlugin: "0.13.0",
} as const;

/** A file the build copies out of a module in the module cache, next to the binaries. */
export interface ModuleFile {
  /** The module path, as go.mod requires it. */
  readonly module: string;
  /** The file inside the module. */
  readonly path: string;
  /** Its name in the bin (or share) directory. */
  readonly as: string;
  /** Copied with the executable bit. */
  readonly executable?: boolean;
}

export interface EngineModule {
  /** The build module's folder under engines/. */
  readonly dir: string;
  /** The version this module's binaries report. */
  readonly version: string;
  /** Binary name → main package path. */
  readonly binaries: Readonly<Record<string, string>>;
  readonly tags?: readonly string[];
  readonly ldflags?: readonly string[];
  /** Files taken from modules in the module cache (scripts, stage files). */
  readonly files?: readonly ModuleFile[];
  /**
   * A binary of this module already installed at the pinned version is used instead of a build:
   * the command to ask it, and what its answer must contain.
   */
  readonly probe?: { readonly binary: string; readonly args: readonly string[]; readonly expect: string };
}

const PULUMI_VERSION_VAR = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const SDK_V3 = `github.com/pulumi/pulumi/sdk/v3`;
const KUBE_MINOR = VERSIONS.kubernetes.split(".")[1];
const kubeVersionFlags = (pkg: string): string[] => [
  `-X ${pkg}.gitVersion=v${VERSIONS.kubernetes}`,
  `-X ${pkg}.gitMajor=1`,
  `-X ${pkg}.gitMinor=${KUBE_MINOR}`,
  `-X ${pkg}.gitTreeState=clean`,
];

export const ENGINE_MODULES: readonly EngineModule[] = [
  {
    dir: "pulumi",
    version: VERSIONS.pulumi,
    binaries: { pulumi: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" },
    // Upstream's release build uses these tags (pkg/Makefile / goreleaser).
    tags: ["osusergo", "grpcnotrace"],
    ldflags: [`-X ${PULUMI_VERSION_VAR}=v${VERSIONS.pulumi}`],
    probe: { binary: "pulumi", args: ["version"], expect: `v${VERSIONS.pulumi}` },
  },
  {
    dir: "language-hosts",
    version: VERSIONS.languageHosts,
    // Python and Go only: the Node.js host of v3.66.0 ignores the runtime options CLI 3.276 sends and
    // cannot run plugins, so pulumi-language-nodejs comes from language-nodejs below.
    binaries: {
      "pulumi-language-python": `${SDK_V3}/python/cmd/pulumi-language-python`,
      "pulumi-language-go": `${SDK_V3}/go/pulumi-language-go`,
    },
    ldflags: [`-X ${PULUMI_VERSION_VAR}=v${VERSIONS.languageHosts}`],
    // The scripts the CLI's release archive ships beside the hosts: the Python host runs its program
    // through pulumi-language-python-exec, and Node.js policy packs run through pulumi-analyzer-policy.
    files: [
      {
        module: SDK_V3,
        path: "python/cmd/pulumi-language-python-exec",
        as: "pulumi-language-python-exec",
        executable: true,
      },
      {
        module: SDK_V3,
        path: "nodejs/dist/pulumi-analyzer-policy",
        as: "pulumi-analyzer-policy",
        executable: true,
      },
      {
        module: SDK_V3,
        path: "python/dist/pulumi-analyzer-policy-python",
        as: "pulumi-analyzer-policy-python",
        executable: true,
      },
      {
        module: SDK_V3,
        path: "nodejs/dist/pulumi-resource-pulumi-nodejs",
        as: "pulumi-resource-pulumi-nodejs",
        executable: true,
      },
    ],
  },
  {
    dir: "language-nodejs",
    version: VERSIONS.languageNodejs,
    binaries: { "pulumi-language-nodejs": "." },
    ldflags: [`-X ${PULUMI_VERSION_VAR}=v${VERSIONS.languageNodejs}`],
  },
  {
    dir: "kubernetes-provider",
    version: VERSIONS.kubernetesProvider,
    binaries: { "pulumi-resource-kubernetes": "." },
    ldflags: [
      `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${VERSIONS.kubernetesProvider}`,
    ],
  },
  {
    dir: "control-plane",
    version: VERSIONS.kubernetes,
    binaries: {
      "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
      "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
      "kube-scheduler": "k8s.io/kubernetes/cmd/kube-scheduler",
      kubectl: "k8s.io/kubernetes/cmd/kubectl",
    },
    // Without these the API server reports v0.0.0-master and pulumi-kubernetes misjudges the cluster.
    ldflags: [
      ...kubeVersionFlags("k8s.io/component-base/version"),
      ...kubeVersionFlags("k8s.io/client-go/pkg/version"),
    ],
    probe: { binary: "kube-apiserver", args: ["--version"], expect: `Kubernetes v${VERSIONS.kubernetes}` },
  },
  {
    dir: "etcd",
    version: VERSIONS.etcd,
    binaries: { etcd: "go.etcd.io/etcd/server/v3" },
    probe: { binary: "etcd", args: ["--version"], expect: `etcd Version: ${VERSIONS.etcd}` },
  },
  {
    dir: "kwok",
    version: VERSIONS.kwok,
    binaries: { kwok: "sigs.k8s.io/kwok/cmd/kwok" },
    files: [
      "node/fast/node-initialize.yaml",
      "node/heartbeat/node-heartbeat.yaml",
      "pod/fast/pod-ready.yaml",
      "pod/fast/pod-complete.yaml",
      "pod/fast/pod-delete.yaml",
    ].map((stage) => ({
      module: "sigs.k8s.io/kwok",
      path: `kustomize/stage/${stage}`,
      as: `kwok-stages/${stage.replaceAll("/", "-")}`,
    })),
  },
  {
    dir: "crds",
    version: `${VERSIONS.cloudnativePg}+${VERSIONS.barmanCloudPlugin}`,
    binaries: {},
    files: [
      ...[
        "clusters",
        "poolers",
        "scheduledbackups",
        "backups",
        "databases",
        "imagecatalogs",
        "clusterimagecatalogs",
      ].map((plural) => ({
        module: "github.com/cloudnative-pg/cloudnative-pg",
        path: `config/crd/bases/postgresql.cnpg.io_${plural}.yaml`,
        as: `crds/postgresql.cnpg.io_${plural}.yaml`,
      })),
      {
        module: "github.com/cloudnative-pg/plugin-barman-cloud",
        path: "config/crd/bases/barmancloud.cnpg.io_objectstores.yaml",
        as: "crds/barmancloud.cnpg.io_objectstores.yaml",
      },
    ],
  },
];

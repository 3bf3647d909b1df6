import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A client identity of the local control plane: the API server maps CN to the user and O to groups. */
export interface ClientIdentity {
  readonly file: string;
  readonly commonName: string;
  readonly organization?: string;
}

/**
 * Who talks to the API server. Each component gets the user name its default RBAC bindings name
 * (kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy: system:kube-controller-manager,
 * system:kube-scheduler); the admin and KWOK (which patches Node and Pod status) are system:masters.
 */
export const CLIENTS: readonly ClientIdentity[] = [
  { file: "admin", commonName: "mcp-stack-admin", organization: "system:masters" },
  { file: "controller-manager", commonName: "system:kube-controller-manager" },
  { file: "scheduler", commonName: "system:kube-scheduler" },
  { file: "kwok", commonName: "kwok-controller", organization: "system:masters" },
];

function openssl(args: readonly string[], cwd: string): void {
  execFileSync("openssl", [...args], { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * A CA, the API server's serving certificate (loopback only), one client certificate per identity and
 * the service-account signing key. EC P-256 keys: generated in milliseconds, accepted everywhere here.
 */
export function writePki(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const days = "30";
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"], dir);
  openssl(
    [
      "req",
      "-x509",
      "-new",
      "-key",
      "ca.key",
      "-subj",
      "/CN=mcp-stack-local-ca",
      "-days",
      days,
      "-out",
      "ca.crt",
    ],
    dir,
  );
  const sign = (name: string, subject: string, ext: string) => {
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`], dir);
    openssl(["req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`], dir);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(
      [
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        days,
        "-extfile",
        `${name}.ext`,
        "-out",
        `${name}.crt`,
      ],
      dir,
    );
  };
  sign(
    "apiserver",
    "/CN=kube-apiserver",
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default," +
      "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n",
  );
  for (const client of CLIENTS) {
    const subject = `/CN=${client.commonName}${client.organization ? `/O=${client.organization}` : ""}`;
    sign(client.file, subject, "extendedKeyUsage=clientAuth\n");
  }
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
}

/**
 * A kubeconfig for one identity against the local API server, self-contained (certificates inline), so
 * it can be handed over as one value: `pulumi config set --secret mcp-stack:kubeconfig "$(cat kubeconfig)"`.
 */
export function writeKubeconfig(path: string, pki: string, server: string, client: ClientIdentity): void {
  const b64 = (f: string) => readFileSync(join(pki, f)).toString("base64");
  const yaml = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: mcp-stack-local",
    "    cluster:",
    `      server: ${server}`,
    `      certificate-authority-data: ${b64("ca.crt")}`,
    "users:",
    `  - name: ${client.file}`,
    "    user:",
    `      client-certificate-data: ${b64(`${client.file}.crt`)}`,
    `      client-key-data: ${b64(`${client.file}.key`)}`,
    "contexts:",
    "  - name: mcp-stack-local",
    "    context:",
    "      cluster: mcp-stack-local",
    `      user: ${client.file}`,
    "current-context: mcp-stack-local",
    "",
  ].join("\n");
  writeFileSync(path, yaml, { mode: 0o600 });
}

import { POSTGRES_PORT } from "@mcp-stack/contract";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { registerNamespaced } from "../lib/register.js";
import type { CloudNativePgDatabaseArgs } from "./args.js";
import {
  CNPG_RELOAD_LABEL,
  cloudNativePgNames,
  cloudNativePgObjects,
  cnpgLabels,
  ROLE_SECRET_KEYS,
  S3_KEYS,
} from "./objects.js";

/**
 * PostgreSQL with pgvector run by the CloudNativePG operator: a Cluster of `instances` (one primary,
 * streaming replicas, automated failover), a PgBouncer Pooler in transaction mode for the app, and
 * continuous backup (WAL + daily base backups) to an object store through the Barman Cloud plugin.
 *
 * Password rotation: the role's password lives in the basic-auth Secret `<name>-app-credentials`,
 * which this component writes from `password`, labelled `cnpg.io/reload` so the operator reacts to
 * its change. Changing the password and running `pulumi up` updates the Secret; the operator
 * reconciles `managed.roles` and runs ALTER ROLE (initdb read the Secret only at bootstrap). The app learns the new password through its own Secret with the database URL, which
 * changes in the same `pulumi up` and rolls the app pods (wired by the stack). No checksum annotation
 * goes on the Cluster: a hash of a password in plain metadata could be brute-forced, and the operator
 * needs no restart to apply it.
 */
export class CloudNativePgDatabase extends pulumi.ComponentResource {
  /** DATABASE_URL's host: the Pooler's Service (PgBouncer → primary), or `<name>-rw` without one. */
  public readonly primaryHost: string;
  /**
   * DATABASE_REPLICA_URL's host: the read-only Pooler's Service with `pooler.readOnly`, else the
   * operator's `<name>-ro` Service (replicas only).
   */
  public readonly replicaHost: string;
  /** The operator's `<name>-rw` Service, straight to the primary (migrations, session features). */
  public readonly directPrimaryHost: string;
  public readonly port: number = POSTGRES_PORT;
  public readonly database: string;
  public readonly user: string;
  /** basic-auth Secret (`username`, `password`) of the app role. */
  public readonly credentialsSecretName: string;
  public readonly clusterName: string;
  /** The read-write Pooler; undefined with the pooler disabled. */
  public readonly poolerName: string | undefined;
  /** The ObjectStore of this cluster's backups; undefined with backup disabled. */
  public readonly objectStoreName: string | undefined;

  constructor(name: string, args: CloudNativePgDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("CloudNativePgDatabase"), name, {}, componentOptions("CloudNativePgDatabase", opts));
    const objects = cloudNativePgObjects(args);
    const n = cloudNativePgNames(args);
    // Without a password, something else (External Secrets) writes `<name>-app-credentials`.
    const secrets =
      args.password === undefined
        ? []
        : [
            this.secret(
              args,
              n.credentialsSecret,
              "kubernetes.io/basic-auth",
              {
                [ROLE_SECRET_KEYS.username]: args.owner,
                [ROLE_SECRET_KEYS.password]: pulumi.secret(args.password),
              },
              CNPG_RELOAD_LABEL,
            ),
          ];
    // n.s3Secret is named only when backup is enabled with keys (both, as validated).
    if (n.s3Secret)
      secrets.push(
        this.secret(args, n.s3Secret, "Opaque", {
          [S3_KEYS.accessKeyId]: pulumi.secret(args.backup.accessKeyId!),
          [S3_KEYS.secretAccessKey]: pulumi.secret(args.backup.secretAccessKey!),
        }),
      );
    // The operator reads the Secrets when it reconciles the Cluster and ObjectStore: create them first.
    registerNamespaced(objects, args.namespace, this, undefined, { dependsOn: secrets });
    this.primaryHost = n.pooler ?? n.rwService;
    this.replicaHost = n.roPooler ?? n.roService;
    this.directPrimaryHost = n.rwService;
    this.database = args.database;
    this.user = args.owner;
    this.credentialsSecretName = n.credentialsSecret;
    this.clusterName = n.cluster;
    this.poolerName = n.pooler;
    this.objectStoreName = n.objectStore;
    this.registerOutputs({
      primaryHost: this.primaryHost,
      replicaHost: this.replicaHost,
      directPrimaryHost: this.directPrimaryHost,
      port: this.port,
      database: this.database,
      user: this.user,
      credentialsSecretName: this.credentialsSecretName,
      objectStoreName: this.objectStoreName,
    });
  }

  private secret(
    args: CloudNativePgDatabaseArgs,
    secretName: string,
    type: string,
    stringData: Record<string, pulumi.Input<string>>,
    extraLabels: Record<string, string> = {},
  ): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
      `secret/${secretName}`,
      {
        metadata: {
          name: secretName,
          namespace: args.namespace,
          labels: { ...cnpgLabels(args, secretName, "credentials"), ...extraLabels },
        },
        type,
        stringData,
      },
      { parent: this },
    );
  }
}

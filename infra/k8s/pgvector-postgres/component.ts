import { POSTGRES_PORT } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { selectorLabels } from "../lib/kube-parts.js";
import { registerNamespaced } from "../lib/register.js";
import { withPodAnnotations, withSecretsChecksum } from "../lib/secrets-checksum.js";
import type { PgvectorPostgresArgs } from "./args.js";
import { postgresObjects } from "./objects.js";

/**
 * Postgres with pgvector as one StatefulSet pod (the `statefulset` engine): tuned postgresql.conf,
 * `CREATE EXTENSION vector` on first start, the role's password set from the Secret on every start,
 * and postgres_exporter. No replica and no WAL archive: its backups are the daily `pg_dump` (Backups).
 */
export class PgvectorPostgres extends pulumi.ComponentResource {
  /** Headless Service of the server. */
  public readonly serviceName: string;
  public readonly exporterServiceName: string;
  /** Port of the server Service. */
  public readonly port: number = POSTGRES_PORT;
  /** Pod labels of the server, for NetworkPolicies. */
  public readonly selector: Record<string, string>;
  /** Pod labels of the exporter, for NetworkPolicies. */
  public readonly exporterSelector: Record<string, string>;

  constructor(name: string, args: PgvectorPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("PgvectorPostgres"), name, {}, componentOptions("PgvectorPostgres", opts));
    const objects = postgresObjects(args);
    const base = args.name ?? "postgres";
    this.serviceName = base;
    this.exporterServiceName = `${base}-exporter`;
    this.selector = selectorLabels(base);
    this.exporterSelector = selectorLabels(this.exporterServiceName);
    // Both the server and the exporter read the password from the Secret as an env var, once.
    registerNamespaced(objects, args.namespace, this, (obj) =>
      withPodAnnotations(withSecretsChecksum(obj, args.secretVersion), args.podAnnotations),
    );
    this.registerOutputs({
      serviceName: this.serviceName,
      exporterServiceName: this.exporterServiceName,
    });
  }
}

import { PART_OF } from "@mcp-stack/contract";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import type { SecretKeyRef } from "../lib/kube-parts.js";
import { MANAGED_BY } from "../lib/kube-parts.js";
import { assertValid } from "../lib/register.js";
import { type AppSecretsArgs, type DatabaseEndpoint, validateAppSecretsArgs } from "./args.js";
import { APP_SECRET_REFS, type AppSecretEnv, DEFAULT_ENV_NAMES, postgresUrl } from "./objects.js";

/**
 * The app's credentials as Kubernetes Secrets, created with Pulumi directly (never through cdk8s, so
 * values stay Pulumi secrets end to end and never reach a synthesised manifest). The database URLs are
 * composed here from the password and the in-cluster service, so nobody hand-assembles them.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** env name → Secret key, for McpBackendArgs.secretEnv. */
  public readonly secretEnv: Record<string, SecretKeyRef>;
  /** The Secret key holding the database password (for Postgres, PgBouncer, backups, exporters). */
  public readonly passwordRef: SecretKeyRef = APP_SECRET_REFS.dbPassword;
  /** The Secret key holding the database user name. */
  public readonly userRef: SecretKeyRef = APP_SECRET_REFS.dbUser;
  /** DATABASE_URL, as a secret Output. */
  public readonly databaseUrl: pulumi.Output<string>;
  /**
   * The Secrets' `metadata.resourceVersion`s, joined: the API server changes them on every write, so a
   * workload that hashes this into its pod template restarts when a value changes (env vars from a
   * Secret are read once, at container start). An opaque counter, never derived from the values.
   */
  public readonly version: pulumi.Output<string>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("AppSecrets"), name, {}, componentOptions("AppSecrets", opts));
    assertValid("AppSecrets", validateAppSecretsArgs(args));
    const envNames = { ...DEFAULT_ENV_NAMES, ...args.envNames };
    const db = args.database;
    // Valid Args either give a URL or compose one from user, password and primary.
    const composed =
      db.url === undefined ? { user: db.user!, password: pulumi.secret(db.password!) } : undefined;
    const password = composed?.password;
    const compose = (e: DatabaseEndpoint) =>
      pulumi.secret(composed!.password.apply((p) => postgresUrl(composed!.user, p, e)));
    this.databaseUrl = composed ? compose(db.primary!) : pulumi.secret(db.url!);
    const replicaUrl = composed ? db.replica && compose(db.replica) : db.replicaUrl;
    const values: Partial<Record<AppSecretEnv, pulumi.Input<string>>> = {
      databaseUrl: this.databaseUrl,
      databaseReplicaUrl: replicaUrl,
      redisUrl: args.redisUrl,
      sentryDsn: args.sentryDsn,
      openaiApiKey: args.openaiApiKey,
      apiKeys: args.apiKeys,
    };
    const bySecret = new Map<string, Record<string, pulumi.Input<string>>>();
    const put = (ref: SecretKeyRef, value: pulumi.Input<string>) => {
      const data = bySecret.get(ref.secretName) ?? {};
      data[ref.key] = pulumi.secret(value);
      bySecret.set(ref.secretName, data);
    };
    if (composed && password) {
      put(APP_SECRET_REFS.dbUser, composed.user);
      put(APP_SECRET_REFS.dbPassword, password);
    }
    this.secretEnv = {};
    for (const [field, value] of Object.entries(values) as [
      AppSecretEnv,
      pulumi.Input<string> | undefined,
    ][]) {
      if (value === undefined) continue;
      put(APP_SECRET_REFS[field], value);
      this.secretEnv[envNames[field]] = APP_SECRET_REFS[field];
    }
    const secrets: k8s.core.v1.Secret[] = [];
    for (const [secretName, stringData] of bySecret) {
      const secret = new k8s.core.v1.Secret(
        `secret/${secretName}`,
        {
          metadata: {
            name: secretName,
            namespace: args.namespace,
            labels: {
              "app.kubernetes.io/name": secretName,
              "app.kubernetes.io/component": "credentials",
              "app.kubernetes.io/part-of": PART_OF,
              "app.kubernetes.io/managed-by": MANAGED_BY,
            },
          },
          type: "Opaque",
          stringData,
        },
        { parent: this },
      );
      secrets.push(secret);
    }
    this.version = pulumi.all(secrets.map((s) => s.metadata.resourceVersion)).apply((v) => v.join(","));
    this.registerOutputs({ secretEnv: this.secretEnv, databaseUrl: this.databaseUrl, version: this.version });
  }
}

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { plainItems } from "../../lib/plain-items.js";
import { resourceName } from "../lib/manifests.js";
import { registerNamespaced } from "../lib/register.js";
import type { ExternalSecretsArgs, SecretStoreKind } from "./args.js";
import { externalSecretsNames, externalSecretsObjects, reloaderAnnotations } from "./objects.js";

/**
 * The Secrets the workloads read, produced by the External Secrets Operator from a secret manager:
 * a SecretStore (or ClusterSecretStore) authenticated the way the provider is meant to be used from
 * Kubernetes, its ServiceAccount, and one ExternalSecret per Secret with exactly the requested keys.
 *
 * No value passes through Pulumi: the args are plain strings naming remote keys, nothing is a Pulumi
 * secret, and no Secret object is created here (ESO writes them, owned by their ExternalSecret).
 * Rotation: change the value in the store; within `refreshInterval` ESO rewrites the Secret and
 * Stakater Reloader rolls every workload carrying `podAnnotations`. Workloads that read the Secrets
 * take the component as `dependsOn` (it waits for the store and every ExternalSecret under it).
 */
export class ExternalSecrets extends pulumi.ComponentResource {
  /** The Secret names produced, in the order given. */
  public readonly secretNames: string[];
  /** Secret name → its keys, exactly as requested. */
  public readonly secretKeys: Record<string, string[]>;
  /** Name and kind of the store (for further ExternalSecrets). */
  public readonly storeName: string;
  public readonly storeKind: SecretStoreKind;
  /** The ServiceAccount the store authenticates as; undefined with AWS pod identity. */
  public readonly serviceAccountName: string | undefined;
  /**
   * What a workload reading these Secrets must carry on its pod template so that a rotation restarts
   * it: `secret.reloader.stakater.com/reload: <names>` (Stakater Reloader must run in the cluster;
   * ExternalSecretsOperator installs it by default).
   */
  public readonly podAnnotations: Record<string, string>;

  constructor(name: string, args: ExternalSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("ExternalSecrets"), name, {}, componentOptions("ExternalSecrets", opts));
    const objects = externalSecretsObjects(args);
    const n = externalSecretsNames(args);
    const sa = objects.serviceAccount
      ? registerNamespaced([objects.serviceAccount], args.namespace, this)
      : [];
    const custom = (
      obj: typeof objects.store | (typeof objects.externalSecrets)[number],
      dependsOn: pulumi.Resource[],
    ) => {
      // A ClusterSecretStore is cluster-scoped: no namespace in its metadata.
      const metadata =
        obj.kind === "ClusterSecretStore" ? obj.metadata : { ...obj.metadata, namespace: args.namespace };
      return new k8s.apiextensions.CustomResource(
        resourceName({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { ...metadata } }),
        { ...obj, metadata },
        { parent: this, dependsOn },
      );
    };
    const store = custom(objects.store, sa);
    for (const es of objects.externalSecrets) custom(es, [store]);
    const secrets = plainItems(args.secrets);
    this.secretNames = secrets.map((s) => s.name);
    this.secretKeys = Object.fromEntries(secrets.map((s) => [s.name, Object.keys(s.keys)]));
    this.storeName = n.store;
    this.storeKind = n.storeKind;
    this.serviceAccountName = n.serviceAccount;
    this.podAnnotations = reloaderAnnotations(this.secretNames);
    this.registerOutputs({
      secretNames: this.secretNames,
      secretKeys: this.secretKeys,
      storeName: this.storeName,
      storeKind: this.storeKind,
      serviceAccountName: this.serviceAccountName,
      podAnnotations: this.podAnnotations,
    });
  }
}

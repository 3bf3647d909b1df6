import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { selectorLabels } from "../lib/kube-parts.js";
import { registerNamespaced } from "../lib/register.js";
import type { BackupsArgs } from "./args.js";
import { backupClaimName, backupsObjects } from "./objects.js";

/** A daily `pg_dump | gzip` CronJob to a backup volume, with retention. */
export class Backups extends pulumi.ComponentResource {
  /** The backup PVC. */
  public readonly claimName: string;
  public readonly cronJobName: string;
  /** Pod labels of the backup job, for NetworkPolicies. */
  public readonly selector: Record<string, string>;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Backups"), name, {}, componentOptions("Backups", opts));
    const objects = backupsObjects(args);
    this.cronJobName = args.name ?? "postgres-backup";
    this.claimName = backupClaimName(this.cronJobName);
    this.selector = selectorLabels(this.cronJobName);
    registerNamespaced(objects, args.namespace, this);
    this.registerOutputs({ claimName: this.claimName, cronJobName: this.cronJobName });
  }
}

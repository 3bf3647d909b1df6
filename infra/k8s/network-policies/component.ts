import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { registerNamespaced } from "../lib/register.js";
import type { NetworkPoliciesArgs } from "./args.js";
import { networkPolicyObjects } from "./objects.js";

/** Default-deny networking for the namespace, plus exactly the flows the stack needs. */
export class NetworkPolicies extends pulumi.ComponentResource {
  /** Names of the NetworkPolicy objects. */
  public readonly policyNames: string[];

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("NetworkPolicies"), name, {}, componentOptions("NetworkPolicies", opts));
    const objects = networkPolicyObjects(args);
    this.policyNames = objects.map((o) => o.metadata.name);
    registerNamespaced(objects, args.namespace, this);
    this.registerOutputs({ policyNames: this.policyNames });
  }
}

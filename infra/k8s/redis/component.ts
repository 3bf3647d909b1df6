import { REDIS_PORT } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { selectorLabels } from "../lib/kube-parts.js";
import { registerNamespaced } from "../lib/register.js";
import type { RedisArgs } from "./args.js";
import { redisObjects } from "./objects.js";

/** Redis 7 as the app's cache: persistent (RDB + AOF), memory-bounded with LRU eviction, with metrics. */
export class Redis extends pulumi.ComponentResource {
  public readonly serviceName: string;
  /** Port of the Service. */
  public readonly port: number = REDIS_PORT;
  public readonly exporterServiceName: string;
  /** In-namespace URL of database 0 (CACHE_REDIS_URL). */
  public readonly url: string;
  public readonly selector: Record<string, string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Redis"), name, {}, componentOptions("Redis", opts));
    const objects = redisObjects(args);
    this.serviceName = args.name ?? "redis";
    this.exporterServiceName = `${this.serviceName}-exporter`;
    this.url = `redis://${this.serviceName}:${REDIS_PORT}/0`;
    this.selector = selectorLabels(this.serviceName);
    registerNamespaced(objects, args.namespace, this);
    this.registerOutputs({
      serviceName: this.serviceName,
      url: this.url,
      exporterServiceName: this.exporterServiceName,
    });
  }
}

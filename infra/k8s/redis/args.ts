import type * as pulumi from "@pulumi/pulumi";
import { type ContainerResources, isPinnedImage } from "../lib/kube-parts.js";

/** One RDB `save <seconds> <changes>` rule. */
export interface RdbSave {
  /** Seconds since the last save. */
  readonly seconds: number;
  /** Writes within those seconds that trigger a save. */
  readonly changes: number;
}

/** `appendfsync`: how often the AOF is flushed to disk. */
export const AofFsync = { Always: "always", Everysec: "everysec", No: "no" } as const;
export type AofFsync = (typeof AofFsync)[keyof typeof AofFsync];

/** AOF persistence of Redis. */
export interface RedisAof {
  /** Turn AOF on (`appendonly yes`). */
  readonly enabled: boolean;
  /** `appendfsync`. */
  readonly fsync: AofFsync;
}

export interface RedisArgs {
  /** Namespace of every object. */
  readonly namespace: pulumi.Input<string>;
  /** Pinned Redis 7 image, e.g. "redis:7.4.2-alpine". */
  readonly image: string;
  /** Pinned redis_exporter image (sidecar on port 9121). */
  readonly exporterImage: string;
  /** `--maxmemory` in Redis notation, e.g. "512mb". */
  readonly maxmemory: string;
  /** `--maxmemory-policy`. Defaults to "allkeys-lru". */
  readonly maxmemoryPolicy?: string;
  /** RDB `save <seconds> <changes>` rules. Defaults to none (RDB off). */
  readonly rdbSaves?: RdbSave[];
  /** AOF persistence. Defaults to off. */
  readonly aof?: RedisAof;
  /** Requests and limits of the Redis container. The memory limit must exceed maxmemory. */
  readonly resources: ContainerResources;
  /** Size of the data volume (RDB and AOF files). */
  readonly storage: string;
  /** StorageClass of the data volume. Defaults to the cluster default. */
  readonly storageClass?: string;
  /** Name of the StatefulSet and Service. Defaults to "redis" (the exporter Service is `<name>-exporter`). */
  readonly name?: string;
  /** app.kubernetes.io/instance. Defaults to the name. */
  readonly instance?: string;
}

const REDIS_BYTES: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const K8S_BYTES: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };

function bytes(value: string, units: Record<string, number>): number | undefined {
  const m = /^(\d+)([A-Za-z]*)$/.exec(value);
  if (!m) return undefined;
  const unit = m[2] ?? "";
  const factor = unit === "" ? 1 : units[unit];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

/** Invariants of {@link RedisArgs}; an empty list means valid. */
export function validateRedisArgs(args: RedisArgs): string[] {
  const issues: string[] = [];
  for (const [field, image] of [
    ["image", args.image],
    ["exporterImage", args.exporterImage],
  ] as const) {
    if (!isPinnedImage(image)) issues.push(`${field} "${image}" must be pinned to a version (not latest)`);
  }
  const max = bytes(args.maxmemory, REDIS_BYTES);
  const limit = bytes(args.resources.limits.memory, K8S_BYTES);
  if (max === undefined) issues.push(`maxmemory "${args.maxmemory}" must look like 512mb`);
  // Redis needs headroom beyond maxmemory (fork for RDB/AOF rewrite, buffers) or the OOM killer wins.
  else if (limit !== undefined && limit < max * 1.2)
    issues.push(
      `resources.limits.memory ${args.resources.limits.memory} leaves no headroom above maxmemory ${args.maxmemory}; use at least 1.2 × maxmemory`,
    );
  return issues;
}

/**
 * The whole observability path on loopback, as deployed but for discovery and time:
 *
 *   app (real entry point, WORKERS=2, METRICS_PORT) over pglite-socket, its cache in redis-server
 *   → redis_exporter on that Redis, postgres_exporter on a real Debian Postgres
 *   → prometheus with staging's generated prometheus.yml (pod / Service discovery swapped for file
 *     and static targets carrying the labels Kubernetes would) and staging's generated rules
 *   → prometheus-alertmanager with the generated webhook config → a webhook sink in this process.
 *
 * Time is compressed by `timeScale`, passed to the rules and route generators (the same code as the
 * deployed files); the scrape and evaluation intervals are set to match.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MONITORING_PATHS, MONITORING_SERVICES, SERVICE_NAME } from "@mcp-stack/contract";
import { writeSpec } from "../../../app/src/db/migrations.js";
import { type ResolvedEnvironment, resolveEnvironment } from "../../../environments/index.js";
import { ALERT_RECEIVER_FILE, alertmanagerConfig } from "../../../monitoring/alertmanager-config.js";
import { MONITORING_CONFIG as C } from "../../../monitoring/config.js";
import { prometheusConfig } from "../../../monitoring/prometheus-config.js";
import { scaleDuration } from "../../../monitoring/time-scale.js";
import { rulesYaml, toYaml } from "../../../monitoring/yaml.js";
import { monitoredDeployment } from "../../../stacks/monitoring-inputs.js";
import { TEST_DIMENSIONS } from "../../app/helpers.js";
import {
  baseEnv,
  type ChildApp,
  serveDatabase,
  startChildApp,
  type WireDatabase,
} from "../../app/lifecycle/child-app.js";
import { type PostgresServer, startPostgres } from "../../helpers/postgres-server.js";
import { type RedisServer, startRedisServer } from "../../helpers/redis-server.js";
import { amtoolVersion } from "../tools.js";
import { type Prom, promClient } from "./checks.js";
import {
  type Daemon,
  type Processes,
  startAlertmanager,
  startPostgresExporter,
  startPrometheus,
  startRedisExporter,
} from "./daemons.js";
import { type FakeOpenAi, startFakeOpenAi, startWebhookSink, type WebhookSink } from "./fakes.js";

/** The environment whose generated files the suite runs: in-cluster Redis and statefulset Postgres. */
export const E2E_ENVIRONMENT = "staging";

export interface StackOptions {
  /** Factor applied to every rule and route duration (1/120: 5 m → 2.5 s). */
  timeScale: number;
  /** Scrape and evaluation interval of the test Prometheus. */
  scrapeInterval: string;
  /** Rules files loaded beside the generated ones (the harness test's deliberately broken rule). */
  extraRules?: Record<string, string>;
}

export interface Stack {
  env: ResolvedEnvironment;
  processes: Processes;
  database: WireDatabase;
  redis: RedisServer;
  postgres: PostgresServer;
  openai: FakeOpenAi;
  sink: WebhookSink;
  app: ChildApp;
  redisExporter: Daemon;
  postgresExporter: Daemon;
  alertmanager: Daemon;
  prometheus: Daemon;
  prom: Prom;
  /** The pod name the app's target carries (Kubernetes' __meta_kubernetes_pod_name). */
  podName: string;
  /** The rules files Prometheus loaded, by file name (generated with `timeScale`). */
  rules: Record<string, string>;
}

type Job = Record<string, unknown> & { job_name: string };

/**
 * staging's prometheus.yml with only its discovery swapped: the app's pod SD becomes a file SD target
 * with the meta labels a running, annotated pod has (so the generated relabelling — keep, drop,
 * annotation port and path, pod and instance labels — runs as in the cluster), the exporter Services
 * become loopback addresses, the kubelet (cAdvisor) job keeps its config but has no targets.
 */
export function loopbackPrometheusConfig(
  env: ResolvedEnvironment,
  t: {
    dir: string;
    app: ChildApp;
    podName: string;
    redisExporter: string;
    postgresExporter: string;
    alertmanager: string;
    scrapeInterval: string;
    evaluationInterval: string;
  },
): string {
  const config = prometheusConfig(monitoredDeployment(env)) as {
    global: Record<string, unknown>;
    rule_files: string[];
    alerting: unknown;
    scrape_configs: Job[];
  };
  config.global.scrape_interval = t.scrapeInterval;
  config.global.scrape_timeout = t.scrapeInterval;
  config.global.evaluation_interval = t.evaluationInterval;
  config.rule_files = config.rule_files.map((f) => f.replace(MONITORING_PATHS.prometheusConfigDir, t.dir));
  config.alerting = { alertmanagers: [{ static_configs: [{ targets: [t.alertmanager] }] }] };
  const metricsPort = new URL(t.app.metricsUrl!).port;
  const podTargets = join(t.dir, "app-pods.json");
  writeFileSync(
    podTargets,
    JSON.stringify([
      {
        // The pod IP and container (app) port, as the pod role lists them.
        targets: [`127.0.0.1:${t.app.port}`],
        labels: {
          __meta_kubernetes_namespace: env.kubernetes.namespace,
          __meta_kubernetes_pod_name: t.podName,
          __meta_kubernetes_pod_phase: "Running",
          __meta_kubernetes_pod_container_init: "false",
          __meta_kubernetes_pod_label_app_kubernetes_io_name: SERVICE_NAME,
          __meta_kubernetes_pod_annotation_prometheus_io_scrape: "true",
          __meta_kubernetes_pod_annotation_prometheus_io_port: metricsPort,
          __meta_kubernetes_pod_annotation_prometheus_io_path: "/metrics",
        },
      },
    ]),
  );
  const sa = join(t.dir, "serviceaccount");
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, "token"), "e2e");
  writeFileSync(join(sa, "ca.crt"), "");
  const exporters: Record<string, string> = {
    [`${MONITORING_SERVICES.redisExporter.name}:${MONITORING_SERVICES.redisExporter.port}`]: t.redisExporter,
    [`${MONITORING_SERVICES.postgresExporter.name}:${MONITORING_SERVICES.postgresExporter.port}`]:
      t.postgresExporter,
  };
  for (const job of config.scrape_configs) {
    if (job.job_name === C.jobs.app) {
      delete job.kubernetes_sd_configs;
      job.file_sd_configs = [{ files: [podTargets], refresh_interval: "1s" }];
    } else if (job.kubernetes_sd_configs) {
      // No kubelet on loopback: the job stays (its relabelling and TLS files load) with no targets.
      delete job.kubernetes_sd_configs;
      job.static_configs = [];
    } else {
      const statics = job.static_configs as { targets: string[] }[];
      for (const s of statics) s.targets = s.targets.map((target) => exporters[target] ?? target);
    }
  }
  return toYaml(config).replaceAll(MONITORING_PATHS.serviceAccountDir, sa);
}

/** The generated Alertmanager config for a webhook receiver, its URL file pointing at the sink. */
function loopbackAlertmanagerConfig(dir: string, sinkUrl: string, timeScale: number): string {
  const secret = join(dir, "alert-receiver");
  writeFileSync(secret, sinkUrl);
  let text = toYaml(alertmanagerConfig("webhook", { timeScale })).replaceAll(ALERT_RECEIVER_FILE, secret);
  // Debian bookworm's Alertmanager 0.25 predates webhook `url_file` (0.26); the image runs 0.28.
  const [major, minor] = amtoolVersion();
  if (major === 0 && minor < 26) text = text.replace(`url_file: ${secret}`, `url: ${sinkUrl}`);
  return text;
}

/** Starts everything, registering each process with `processes` as it starts (stopAll cleans up). */
export async function startStack(processes: Processes, options: StackOptions): Promise<Stack> {
  const p = processes;
  const env = resolveEnvironment(E2E_ENVIRONMENT);
  const track = <T>(value: T, stop: () => unknown): T => {
    p.add(stop as Parameters<Processes["add"]>[0]);
    return value;
  };
  const [database, redis, postgres, openai, sink] = await Promise.all([
    serveDatabase(3).then((d) => track(d, () => d.stop())),
    startRedisServer().then((r) => track(r, () => r.kill())),
    startPostgres().then((s) => track(s, () => s.stop())),
    startFakeOpenAi().then((o) => track(o, () => o.close())),
    startWebhookSink().then((s) => track(s, () => s.close())),
  ]);
  // The template database was migrated for the local embedder; the app embeds with the fake provider.
  await writeSpec(database.db, {
    provider: "openai",
    model: "text-embedding-3-small",
    dimensions: TEST_DIMENSIONS,
  });
  const app = await startChildApp(
    {
      ...baseEnv(database.url()),
      WORKERS: "2",
      LOG_LEVEL: "warn",
      CACHE_ENABLED: "true",
      CACHE_BACKEND: "redis",
      CACHE_REDIS_URL: redis.url,
      EMBEDDING_PROVIDER: "openai",
      EMBEDDING_MODEL: "text-embedding-3-small",
      ANSWER_PROVIDER: "openai",
      CHAT_MODEL: "gpt-4o-mini",
      OPENAI_API_KEY: "sk-e2e-not-a-key",
      OPENAI_BASE_URL: openai.baseUrl,
    },
    { metricsPort: true },
  );
  p.track(app.child);
  p.add(async () => {
    app.kill();
    await app.exited;
  });
  await app.listening(2);

  const [redisExporter, postgresExporter] = await Promise.all([
    startRedisExporter(p, redis.url),
    startPostgresExporter(p, `${postgres.url}?sslmode=disable`),
  ]);

  const amDir = p.tempDir("e2e-alertmanager");
  const amFile = join(amDir, "alertmanager.yml");
  writeFileSync(amFile, loopbackAlertmanagerConfig(amDir, sink.url, options.timeScale));
  const alertmanager = await startAlertmanager(p, amFile);

  const promDir = p.tempDir("e2e-prometheus");
  mkdirSync(join(promDir, "alerts"));
  const rules = rulesYaml(monitoredDeployment(env), { timeScale: options.timeScale });
  for (const [file, text] of Object.entries({ ...rules, ...options.extraRules }))
    writeFileSync(join(promDir, "alerts", file), text);
  const podName = `${SERVICE_NAME}-e2e-0`;
  const promFile = join(promDir, "prometheus.yml");
  writeFileSync(
    promFile,
    loopbackPrometheusConfig(env, {
      dir: promDir,
      app,
      podName,
      redisExporter: `127.0.0.1:${redisExporter.port}`,
      postgresExporter: `127.0.0.1:${postgresExporter.port}`,
      alertmanager: `127.0.0.1:${alertmanager.port}`,
      scrapeInterval: options.scrapeInterval,
      evaluationInterval: scaleDuration(C.groupInterval, options.timeScale),
    }),
  );
  // Firing alerts are re-sent at most every resend delay (default 1 m): compressed like the rules.
  const prometheus = await startPrometheus(p, promFile, scaleDuration("1m", options.timeScale));
  return {
    env,
    processes: p,
    database,
    redis,
    postgres,
    openai,
    sink,
    app,
    redisExporter,
    postgresExporter,
    alertmanager,
    prometheus,
    prom: promClient(prometheus.url),
    podName,
    rules,
  };
}

/**
 * Faults under load (issue 15, point 1), each against the real entry point with closed-loop clients
 * that count every request not answered 2xx: Redis killed, the database killed and restarted, the
 * Kubernetes stop sequence, a rolling restart of 2 instances behind a local proxy.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DB_RETRY_AFTER_SECONDS } from "../../app/src/plugins/app/error-handler.js";
import { type ChildApp, startChildApp } from "../app/lifecycle/child-app.js";
import { startPgBouncer } from "../helpers/postgres-server.js";
import { startRedisServer } from "../helpers/redis-server.js";
import { startProxy } from "./proxy.js";
import { closedLoop, record, sleep, startDatabaseProcess } from "./support.js";
import { mixedRequest, seedConversations } from "./workload.js";

const CLIENTS = 20;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function app(env: Record<string, string>): Promise<ChildApp> {
  const started = await startChildApp({ RATE_LIMIT_PER_MINUTE: "0", LOG_LEVEL: "warn", ...env });
  cleanups.push(async () => {
    started.kill();
    await started.exited;
  });
  await started.listening();
  return started;
}

describe("faults under load", () => {
  it("kill -9 Redis: 0 failed requests", async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const a = await app({
      DATA_DIR: await tempDir("mcp-f1-"),
      CACHE_BACKEND: "redis",
      CACHE_REDIS_URL: redis.url,
    });
    await seedConversations(a.baseUrl, 3, 30);
    const load = closedLoop(
      () => a.baseUrl,
      CLIENTS,
      (i) => mixedRequest(3, i),
    );
    await sleep(3000);
    const before = load.tally.ok;
    await redis.kill();
    await sleep(5000);
    await load.stop();
    await record("2-faults", [
      {
        name: "kill -9 Redis under load",
        value: `${load.tally.failed} failed of ${load.tally.ok + load.tally.failed} (${load.tally.ok - before} answered after the kill)`,
        how: `faults.run.ts, ${CLIENTS} closed-loop clients, embedded PGlite + CACHE_BACKEND=redis, Redis SIGKILL after 3 s, 5 s more`,
      },
    ]);
    expect(load.tally.samples).toEqual([]);
    expect(load.tally.failed).toBe(0);
  });

  it("database unavailable: readiness false within 2 probe periods, 503 with Retry-After, recovery without restart", async () => {
    const dir = await tempDir("mcp-f2-");
    let db = await startDatabaseProcess(dir, undefined, 4);
    cleanups.push(() => db.stop());
    const a = await app({ DATABASE_URL: db.url, DB_POOL_SIZE: "1", DB_MAX_OVERFLOW: "0" });
    await seedConversations(a.baseUrl, 4, 20);
    const period = 1000;
    const probe = async () => (await fetch(`${a.baseUrl}/health/ready`)).status;
    const load = closedLoop(
      () => a.baseUrl,
      CLIENTS,
      (i) => mixedRequest(4, i),
    );
    await sleep(2000);
    await db.kill();
    let periodsToFalse = 0;
    while ((await probe()) === 200 && periodsToFalse < 10) {
      periodsToFalse++;
      await sleep(period);
    }
    periodsToFalse++;
    const refused = await fetch(`${a.baseUrl}/v1/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `uncached ${Date.now()}` }),
    });
    await sleep(3000);
    db = await startDatabaseProcess(dir, db.port, 4);
    let periodsToTrue = 0;
    while ((await probe()) !== 200 && periodsToTrue < 30) {
      periodsToTrue++;
      await sleep(period);
    }
    periodsToTrue++;
    await sleep(2000);
    await load.stop();
    const after = await fetch(`${a.baseUrl}/v1/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `uncached again ${Date.now()}` }),
    });
    const other = load.tally.samples.filter((s) => !s.startsWith("503 "));
    await record("2-faults", [
      {
        name: "database killed under load, then restarted",
        value:
          `readiness false at probe ${periodsToFalse} (period ${period / 1000} s); data route ${refused.status} ` +
          `retry-after ${refused.headers.get("retry-after")}; ready again at probe ${periodsToTrue} after the restart, ` +
          `search ${after.status}, same app process (exit code ${a.child.exitCode ?? "none: still running"}); ` +
          `${load.tally.failed} requests refused during the outage, ${other.length} of the sampled ones other than 503`,
        how: `faults.run.ts, ${CLIENTS} clients, DATABASE_URL to PGlite over pglite-socket in its own process, SIGKILL, restart on the same port after 3 s`,
      },
    ]);
    expect(periodsToFalse).toBeLessThanOrEqual(2);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe(String(DB_RETRY_AFTER_SECONDS));
    expect(after.status).toBe(200);
    expect(a.child.exitCode).toBeNull();
    expect(other).toEqual([]);
  });

  it("preStop sleep, then SIGTERM under load: 0 dropped, exit 0", async () => {
    const a = await app({ DATA_DIR: await tempDir("mcp-f3-") });
    await seedConversations(a.baseUrl, 5, 20);
    const load = closedLoop(
      () => a.baseUrl,
      CLIENTS,
      (i) => mixedRequest(5, i),
    );
    await sleep(3000);
    // preStop: `sleep 2` while the endpoint removal propagates; traffic still arrives meanwhile.
    await sleep(2000);
    // Worst case: the last requests reach the pod at the very moment SIGTERM does.
    const inFlight = load.tally.inFlight;
    const stopping = load.stop();
    a.child.kill("SIGTERM");
    await stopping;
    const code = await a.exited;
    await record("2-faults", [
      {
        name: "preStop sleep then SIGTERM under load",
        value: `${load.tally.failed} dropped of ${load.tally.ok + load.tally.failed} (${inFlight} in flight at SIGTERM), exit code ${code}`,
        how: `faults.run.ts, ${CLIENTS} clients, embedded PGlite, 3 s load, 2 s preStop with load, SIGTERM as the last requests start`,
      },
    ]);
    expect(load.tally.samples).toEqual([]);
    expect(load.tally.failed).toBe(0);
    expect(code).toBe(0);
  });

  it("rolling restart of 2 instances behind a local proxy: 0 failed", async () => {
    // PGlite over pglite-socket (Debian's Postgres here has no pgvector package) behind PgBouncer in
    // transaction mode with one server connection: pglite-socket feeds every client connection into
    // PGlite's one session, so three instances' transactions would interleave; the pooler hands the
    // one connection to one transaction at a time, as CloudNativePG's Pooler does in production.
    const db = await startDatabaseProcess(await tempDir("mcp-f4-"), undefined, 2);
    cleanups.push(() => db.stop());
    const bouncer = await startPgBouncer({ server: db, poolMode: "transaction", defaultPoolSize: 1 });
    cleanups.push(() => bouncer.stop());
    const env = { DATABASE_URL: bouncer.url, DB_POOL_SIZE: "2", DB_MAX_OVERFLOW: "0" };
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const instances = [await app(env), await app(env)];
    for (const i of instances) proxy.add(i.baseUrl);
    await seedConversations(instances[0]!.baseUrl, 6, 20);
    await sleep(1000);
    const load = closedLoop(
      () => proxy.url,
      CLIENTS,
      (i) => mixedRequest(6, i),
    );
    await sleep(2000);
    const codes: (number | null)[] = [];
    for (const old of [...instances]) {
      const fresh = await app(env);
      proxy.add(fresh.baseUrl);
      // Until the proxy's health check has seen it ready.
      await sleep(1000);
      proxy.remove(old.baseUrl);
      await sleep(1000);
      old.child.kill("SIGTERM");
      codes.push(await old.exited);
      instances.push(fresh);
    }
    await sleep(2000);
    await load.stop();
    // What the instances logged about failed requests (the first lines), for the figure.
    const logged = instances
      .flatMap((i) => i.output().split("\n"))
      .filter((l) => /"level":(50|60)|error/i.test(l))
      .slice(0, 3)
      .map((l) => l.slice(0, 400));
    if (logged.length > 0) console.error(logged.join("\n"));
    await record("2-faults", [
      {
        name: "rolling restart of 2 instances behind a local proxy",
        value: `${load.tally.failed} failed of ${load.tally.ok + load.tally.failed}; old instances exited ${codes.join(", ")}`,
        how: `faults.run.ts, ${CLIENTS} clients through proxy.ts (ready-checked round robin), PGlite over pglite-socket behind PgBouncer (transaction mode, 1 server connection), each old instance: new one up, removed from rotation, 1 s preStop, SIGTERM`,
      },
    ]);
    expect(load.tally.samples).toEqual([]);
    expect(load.tally.failed).toBe(0);
    expect(codes).toEqual([0, 0]);
  });
});

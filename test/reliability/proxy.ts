/**
 * A local round-robin HTTP proxy for the rolling restart: backends join the rotation once their
 * /health/ready answers 200 (checked every 250 ms) and leave it when it does not or when removed
 * (the endpoint removal of a terminating pod). A connection error before any response is retried
 * once on another backend, as nginx's `proxy_next_upstream error` does; the workload is idempotent
 * (ingest by id, reads).
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface Proxy {
  url: string;
  add(baseUrl: string): void;
  remove(baseUrl: string): void;
  close(): Promise<void>;
}

export async function startProxy(): Promise<Proxy> {
  const backends = new Map<string, boolean>();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let turn = 0;
  const check = setInterval(() => {
    for (const url of backends.keys()) {
      const req = request(`${url}/health/ready`, { agent: false, timeout: 1000 }, (res) => {
        res.resume();
        if (backends.has(url)) backends.set(url, res.statusCode === 200);
      });
      req.on("error", () => backends.has(url) && backends.set(url, false));
      req.on("timeout", () => req.destroy());
      req.end();
    }
  }, 250);
  const pick = (exclude?: string) => {
    const ready = [...backends].filter(([url, ok]) => ok && url !== exclude).map(([url]) => url);
    return ready.length === 0 ? undefined : ready[turn++ % ready.length];
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const forward = (attempt: number, exclude?: string) => {
        const target = pick(exclude);
        if (!target) {
          res.writeHead(503).end("no ready backend");
          return;
        }
        const up = request(
          `${target}${req.url}`,
          { method: req.method, headers: req.headers, agent },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on("error", () => {
          if (res.headersSent) return void res.destroy();
          if (attempt < 1) forward(attempt + 1, target);
          else res.writeHead(502).end("upstream failed");
        });
        up.end(body);
      };
      forward(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    add: (url) => backends.set(url, false),
    remove: (url) => backends.delete(url),
    close: async () => {
      clearInterval(check);
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

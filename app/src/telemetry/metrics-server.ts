/**
 * The scrape listener used when METRICS_PORT is set: a bare `node:http` server that answers
 * `GET /metrics` with the same scrape function the app's route would use (this process's registry,
 * or in cluster mode the primary's aggregate) and 404 to anything else. It sits apart from the app
 * so the scrape endpoint is never behind the public Service, and so scrapes are neither counted in
 * the HTTP metrics nor held as in-flight requests at shutdown. In cluster mode every worker starts
 * one on the same port; node:cluster shares it like the app port.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HTTP_PATHS } from "@mcp-stack/contract";
import type { Scrape } from "./app-telemetry.js";

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  scrape(): Promise<Scrape>;
  /** Clustered: answered as `x-worker-id`, like the app's responses. */
  workerId?: number;
  /** A failed scrape (500) is reported here. */
  onError?(error: unknown): void;
}

export interface MetricsServer {
  /** `http://host:port` as bound. */
  readonly address: string;
  readonly port: number;
  /** Stops accepting, drops idle keep-alive connections and waits for scrapes under way. */
  close(): Promise<void>;
}

/** How long `close` lets a scrape under way finish before cutting its connection. */
const CLOSE_GRACE_MS = 5_000;

function handler(options: MetricsServerOptions): Parameters<typeof createServer>[1] {
  return (req, res) => {
    if (options.workerId !== undefined) res.setHeader("x-worker-id", String(options.workerId));
    const path = (req.url ?? "").split("?", 1)[0];
    if (req.method !== "GET" || path !== HTTP_PATHS.metrics) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found\n");
      return;
    }
    options.scrape().then(
      ({ contentType, body }) => {
        res.writeHead(200, { "content-type": contentType }).end(body);
      },
      (error: unknown) => {
        options.onError?.(error);
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("scrape failed\n");
      },
    );
  };
}

/** Listens on `host:port`; rejects if the port cannot be bound. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer(handler(options));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        cut.unref();
        server.close((error) => {
          clearTimeout(cut);
          error ? reject(error) : resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

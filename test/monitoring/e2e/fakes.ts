/**
 * In-process HTTP peers of the end-to-end suite: the webhook sink Alertmanager's receiver posts to,
 * and an OpenAI-compatible provider the app embeds and answers with (it can be told to fail, which is
 * how the suite makes the app answer 5xx without touching its caches).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";

/** One alert of an Alertmanager webhook notification (payload version 4). */
export interface WebhookAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

export interface Notification {
  /** When the sink received it (ms since epoch). */
  receivedAt: number;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      text += d;
    });
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no TCP address"));
      else resolve(address.port);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface WebhookSink {
  url: string;
  notifications: Notification[];
  /** Alerts named `alertname` with `status`, in the order received (each with its notification's time). */
  alerts(alertname: string, status?: "firing" | "resolved"): (WebhookAlert & { receivedAt: number })[];
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const notifications: Notification[] = [];
  const server = createServer(async (req, res) => {
    const text = await body(req);
    try {
      notifications.push({
        ...(JSON.parse(text) as Omit<Notification, "receivedAt">),
        receivedAt: Date.now(),
      });
      res.writeHead(200).end();
    } catch {
      res.writeHead(400).end();
    }
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    notifications,
    alerts: (alertname, status) =>
      notifications.flatMap((n) =>
        n.alerts
          .filter((a) => a.labels.alertname === alertname && (status === undefined || a.status === status))
          .map((a) => ({ ...a, receivedAt: n.receivedAt })),
      ),
    close: () => close(server),
  };
}

export interface FakeOpenAi {
  /** The OPENAI_BASE_URL to give the app. */
  baseUrl: string;
  /** While true, /embeddings answers 400 (not retried by the app: one request, one 502). */
  failEmbeddings: boolean;
  calls: { embeddings: number; chat: number };
  close(): Promise<void>;
}

/** A deterministic unit vector of `dimensions` for `text`. */
function vectorOf(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) * 31 + i) % dimensions]! += 1;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const state: FakeOpenAi = {
    baseUrl: "",
    failEmbeddings: false,
    calls: { embeddings: 0, chat: 0 },
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    const input = JSON.parse((await body(req)) || "{}") as {
      input?: string[];
      dimensions?: number;
      messages?: { content: string }[];
    };
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.url === "/v1/embeddings") {
      state.calls.embeddings++;
      if (state.failEmbeddings) return json(400, { error: { message: "e2e: embeddings told to fail" } });
      const texts = input.input ?? [];
      return json(200, {
        data: texts.map((t, index) => ({ index, embedding: vectorOf(t, input.dimensions ?? 128) })),
        usage: { prompt_tokens: texts.length * 8, total_tokens: texts.length * 8 },
      });
    }
    if (req.url === "/v1/chat/completions") {
      state.calls.chat++;
      return json(200, {
        choices: [{ message: { content: "An answer from the e2e provider [1]." } }],
        usage: { prompt_tokens: 120, completion_tokens: 12 },
      });
    }
    json(404, { error: { message: `no ${req.url}` } });
  });
  const port = await listen(server);
  state.baseUrl = `http://127.0.0.1:${port}/v1`;
  state.close = () => close(server);
  return state;
}

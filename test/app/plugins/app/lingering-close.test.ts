/**
 * Oversized bodies get their 413 over a real socket (issue 15, point 4): the server reads and
 * discards the rest of the body, within a byte and time cap, instead of closing on a client that
 * is still sending (which the client sees as EPIPE / ECONNRESET, not as the 413).
 */
import { connect } from "node:net";
import { PassThrough } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerLingeringClose } from "../../../../app/src/plugins/app/lingering-close.js";
import { baseEnv, serveDatabase, startChildApp } from "../../lifecycle/child-app.js";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listen(instance: FastifyInstance): Promise<string> {
  await instance.listen({ host: "127.0.0.1", port: 0 });
  const address = instance.server.address();
  if (!address || typeof address === "string") throw new Error("no TCP address");
  return `http://127.0.0.1:${address.port}`;
}

/** One body of `size` bytes shared by every try (the content does not matter: it is over the limit). */
function bigBody(size: number): Buffer {
  return Buffer.alloc(size, "a");
}

describe("lingering close", () => {
  it("answers every one of 20 fetches of a 30 MB conversation with the 413", async () => {
    // The real entry point in its own process: in this process the client's writes and the
    // server's answer share one event loop, and the race the 413 loses never happens.
    const wire = await serveDatabase(2);
    const child = await startChildApp({ ...baseEnv(wire.url()), LOG_LEVEL: "warn" });
    try {
      await child.listening();
      const body = bigBody(30 * 1024 * 1024);
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          const res = await fetch(`${child.baseUrl}/v1/conversations`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          const json = (await res.json()) as { error?: { code?: string } };
          outcomes.push(`${res.status} ${json.error?.code}`);
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause;
          outcomes.push(`error ${cause?.code ?? String(error)}`);
        }
      }
      expect(outcomes).toEqual(Array(20).fill("413 PAYLOAD_TOO_LARGE"));
    } finally {
      child.kill();
      await child.exited;
      await wire.stop();
    }
  });

  it("keeps the connection usable once the rest of a small oversized body is discarded", async () => {
    app = Fastify({ bodyLimit: 1024 });
    registerLingeringClose(app, { maxBytes: 1024 * 1024, maxMs: 30_000 });
    app.post("/", async () => ({ ok: true }));
    const base = await listen(app);
    const first = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: bigBody(64 * 1024),
    });
    expect(first.status).toBe(413);
    expect(first.headers.get("connection")).not.toBe("close");
    await first.text();
    const second = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(second.status).toBe(200);
  });

  it("closes the connection once the discarded bytes pass the cap", async () => {
    app = Fastify({ bodyLimit: 1024 });
    const maxBytes = 16 * 1024 * 1024;
    registerLingeringClose(app, { maxBytes, maxMs: 30_000 });
    app.post("/", async () => ({ ok: true }));
    const base = await listen(app);
    const { port } = new URL(base);
    // A raw client that announces 100 MB and keeps sending until the server closes on it.
    const sent = await new Promise<{ status: string; bytes: number }>((resolve) => {
      const socket = connect(Number(port), "127.0.0.1");
      let status = "";
      let bytes = 0;
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (!socket.destroyed && bytes < 100 * 1024 * 1024) {
          bytes += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
      };
      socket.on("connect", () => {
        socket.write(
          `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${100 * 1024 * 1024}\r\n\r\n`,
        );
        pump();
      });
      socket.on("data", (d: Buffer) => {
        status ||= d.toString("latin1").split("\r\n", 1)[0] ?? "";
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve({ status, bytes }));
    });
    expect(sent.status).toBe("HTTP/1.1 413 Payload Too Large");
    // Read past the cap (an immediate close stops the client within its socket buffers), and closed
    // long before the announced 100 MB: the discard stopped at the cap plus what the buffers held.
    expect(sent.bytes).toBeGreaterThan(maxBytes);
    expect(sent.bytes).toBeLessThan(100 * 1024 * 1024);
  });

  it("gives up on a body that never ends, also under inject (whose socket has no destroy())", async () => {
    app = Fastify({ bodyLimit: 16 });
    registerLingeringClose(app, { maxBytes: 1024, maxMs: 20 });
    app.post("/", async () => ({ ok: true }));
    await app.ready();
    const endless = new PassThrough();
    endless.write("a".repeat(64));
    const res = await app.inject({
      method: "POST",
      url: "/",
      headers: { "content-type": "application/json", "content-length": "1000000" },
      payload: endless,
    });
    expect(res.statusCode).toBe(413);
    // The cap's timer fires while the body is still open: it must end the request, not throw (an
    // uncaught TypeError here fails the run; it did when the timer called req.socket.destroy()).
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
});

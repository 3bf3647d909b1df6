/**
 * Lingering close, as nginx does it (`lingering_close`, `lingering_time`): when the app answers
 * before it has read the whole request body — a 413 for a body over BODY_LIMIT, a 401 before the
 * body is parsed — the rest of the body is read and discarded, within a byte and a time cap.
 *
 * Without it fastify answers a too-large body with `connection: close` and Node destroys the socket
 * as soon as the response is written. The client is still sending; the kernel answers its next
 * segments with a reset, and a client that has not read the response yet (Node's fetch, curl
 * mid-upload) reports EPIPE / ECONNRESET instead of the 413.
 *
 * Here the response keeps the connection open while the body drains: nothing is buffered (the
 * chunks are counted and dropped), and once the body ends the connection is an ordinary keep-alive
 * one again. A client that sends more than `maxBytes` after the response, or for longer than
 * `maxMs`, has its connection destroyed, so an endless upload holds a connection for a bounded time.
 */
import type { FastifyInstance } from "fastify";

export interface LingeringCloseOptions {
  /**
   * Most bytes of an unread body discarded after the response before the connection is destroyed.
   * Defaults to 64 MiB (twice the largest upload a client is expected to try).
   */
  maxBytes: number;
  /**
   * Longest time the rest of the body is awaited after the response. Defaults to 30 s (nginx's
   * `lingering_time`); Node's REQUEST_TIMEOUT still applies on top.
   */
  maxMs: number;
}

export const LINGERING_CLOSE_DEFAULTS: LingeringCloseOptions = {
  maxBytes: 64 * 1024 * 1024,
  maxMs: 30_000,
};

export function registerLingeringClose(
  app: FastifyInstance,
  options: LingeringCloseOptions = LINGERING_CLOSE_DEFAULTS,
): void {
  app.addHook("onSend", async (request, reply, payload) => {
    const req = request.raw;
    if (req.complete || req.destroyed) return payload;
    // fastify's "the client may send more data": we read that data instead of closing on it.
    if (String(reply.getHeader("connection")).toLowerCase() === "close") reply.removeHeader("connection");
    let discarded = 0;
    // Destroying an unfinished request destroys its socket (Node marks it aborted). The request, not
    // `req.socket`: under fastify's inject the socket is a stand-in without destroy().
    const destroy = () => {
      done();
      req.destroy();
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > options.maxBytes) destroy();
    };
    const timer = setTimeout(destroy, options.maxMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", done);
      req.off("close", done);
    };
    req.on("data", onData);
    req.once("end", done);
    req.once("close", done);
    // Flowing before the response is written, so Node does not dump the request (it would then
    // stop passing the body on and the cap could not be counted).
    req.resume();
    return payload;
  });
}

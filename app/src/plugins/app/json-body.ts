/**
 * The JSON body parser of every route, the MCP endpoint's included: fastify's own parser (prototype
 * poisoning refused, and said so), behind two checks it does not make. A body declared in another charset is a
 * 415, and bytes that are not UTF-8 are a 400 naming the offset, where decoding would otherwise
 * turn them into U+FFFD and store `caf\uFFFD` with a 201.
 */
import type { FastifyInstance } from "fastify";
import { AppError } from "../../lib/errors.js";
import { describeUtf8Fault, findUtf8Fault } from "../../lib/utf8.js";

const JSON_TYPE = "application/json";
const UTF8_NAMES = new Set(["utf-8", "utf8"]);

/** The `charset` parameter of a Content-Type header, lower-cased, or undefined. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? "");
  return match ? (match[1] ?? match[2] ?? "").toLowerCase() : undefined;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function registerJsonBody(app: FastifyInstance): void {
  // fastify's defaults: the prototype-poisoning keys are refused, not dropped.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(JSON_TYPE);
  app.addContentTypeParser(JSON_TYPE, { parseAs: "buffer" }, (request, body, done) => {
    const charset = charsetOf(request.headers["content-type"]);
    if (charset !== undefined && !UTF8_NAMES.has(charset)) {
      done(
        new AppError(
          "UNSUPPORTED_MEDIA_TYPE",
          `Content-Type declares charset=${charset || '""'}; this API reads JSON as UTF-8 only: send the body as UTF-8 with Content-Type: ${JSON_TYPE} (charset=utf-8 or no charset)`,
        ),
        undefined,
      );
      return;
    }
    const bytes = body as Buffer;
    const fault = findUtf8Fault(bytes);
    if (fault) {
      done(
        new AppError(
          "INVALID_JSON",
          `Body is not valid JSON: ${describeUtf8Fault(fault)}; JSON must be UTF-8: re-encode the body (e.g. iconv -f latin1 -t utf-8)`,
        ),
        undefined,
      );
      return;
    }
    const text = bytes.toString("utf8");
    parseJson(request, text, (error, value) => {
      // fastify's parser says only "not valid JSON" when the JSON is fine but carries a forbidden key.
      if (error && parsesAsJson(text))
        done(
          new AppError(
            "INVALID_JSON",
            'Body is not valid JSON for this API: a key named "__proto__" (or "constructor" holding "prototype") is refused as prototype pollution; fix: rename the key',
          ),
          undefined,
        );
      else done(error, value);
    });
  });
}

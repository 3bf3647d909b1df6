/** Key shapes are a contract with operators (redis-cli --scan, dashboards): pin them. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, dataVersionKey, entryKey } from "../../../app/src/cache/index.js";

const hex = (s: string) => createHash("sha256").update(s).digest("hex");

describe("cache keys", () => {
  it("builds search:<tenant>:v<version>:<sha256 of the sorted-key JSON request>", () => {
    const key = entryKey({ type: "search", tenant: "acme", request: { query: "pg", k: 10 } }, 7);
    expect(key).toBe(`search:acme:v7:${hex('{"k":10,"query":"pg"}')}`);
  });

  it("builds rag keys the same way", () => {
    const key = entryKey({ type: "rag", tenant: "acme", request: { question: "why?" } }, 0);
    expect(key).toBe(`rag:acme:v0:${hex('{"question":"why?"}')}`);
  });

  it("builds unversioned embedding keys from provider, model, dimensions and the text's hash", () => {
    const key = entryKey(
      {
        type: "embedding",
        provider: "openai",
        model: "text-embedding-3-small",
        dimensions: 1536,
        text: "hi",
      },
      99,
    );
    expect(key).toBe(`embedding:openai:text-embedding-3-small:1536:${hex("hi")}`);
  });

  it("sorts nested keys and drops undefined fields", () => {
    expect(canonicalJson({ b: { y: 1, x: [2, { d: 1, c: 2 }] }, a: undefined })).toBe(
      '{"b":{"x":[2,{"c":2,"d":1}],"y":1}}',
    );
  });

  it("escapes separators inside tenant names", () => {
    expect(dataVersionKey("a:b")).toBe("dataversion:a%3Ab");
  });
});

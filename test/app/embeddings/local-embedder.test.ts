import { describe, expect, it } from "vitest";
import { LocalEmbedder } from "../../../app/src/embeddings/local-embedder.js";

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("LocalEmbedder", () => {
  const embedder = new LocalEmbedder(256);

  it("is deterministic and unit length", async () => {
    const [a, b] = await embedder.embed(["Deploy the backend", "Deploy the backend"]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(256);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
  });

  it("scores shared words and word forms above unrelated text", () => {
    const q = embedder.embedOne("how do I deploy to kubernetes");
    const related = embedder.embedOne("deploying the service on a Kubernetes cluster");
    const unrelated = embedder.embedOne("carbonara needs guanciale and pecorino");
    expect(cosine(q, related)).toBeGreaterThan(0.3);
    expect(cosine(q, related)).toBeGreaterThan(cosine(q, unrelated) + 0.2);
  });

  it("ignores stop words and gives empty text a valid vector", () => {
    const a = embedder.embedOne("the database is down");
    const b = embedder.embedOne("database down");
    expect(cosine(a, b)).toBeCloseTo(1, 6);
    expect(Math.hypot(...embedder.embedOne("the and of"))).toBeCloseTo(1, 10);
  });
});

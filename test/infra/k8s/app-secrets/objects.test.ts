import { describe, expect, it } from "vitest";
import { postgresUrl } from "../../../../infra/index.js";

describe("AppSecrets URLs", () => {
  it("percent-encodes every reserved character of the password", () => {
    expect(postgresUrl("app", "a@b:c/d?e#f%g h", { host: "pgbouncer", database: "db" })).toBe(
      "postgresql://app:a%40b%3Ac%2Fd%3Fe%23f%25g%20h@pgbouncer:5432/db",
    );
  });
});

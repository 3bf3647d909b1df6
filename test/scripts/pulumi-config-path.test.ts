import { describe, expect, it } from "vitest";
import {
  adjustObjectValue,
  ConfigPathError,
  parsePropertyPath,
  setConfigPath,
} from "../../scripts/pulumi-config-path.js";

describe("parsePropertyPath (the CLI's property paths)", () => {
  it("splits names, array indices and quoted keys", () => {
    expect(parsePropertyPath("kubernetes.hpa.maxReplicas")).toEqual(["kubernetes", "hpa", "maxReplicas"]);
    expect(parsePropertyPath("a.b[0].c")).toEqual(["a", "b", 0, "c"]);
    expect(parsePropertyPath('labels["app.kubernetes.io/name"]')).toEqual([
      "labels",
      "app.kubernetes.io/name",
    ]);
  });

  it("rejects malformed paths with the CLI's wording", () => {
    expect(() => parsePropertyPath("a.")).toThrow("expected property path to end with a name or index");
    expect(() => parsePropertyPath("a[0")).toThrow("missing closing bracket in array index");
    expect(() => parsePropertyPath('a["b')).toThrow("missing closing quote in property name");
    expect(() => parsePropertyPath("a[x]")).toThrow(/invalid array index/);
  });
});

describe("adjustObjectValue (leaf values under --path)", () => {
  it("turns true/false into booleans and Atoi-able strings into integers", () => {
    expect(adjustObjectValue("true")).toBe(true);
    expect(adjustObjectValue("false")).toBe(false);
    expect(adjustObjectValue("6")).toBe(6);
    expect(adjustObjectValue("-3")).toBe(-3);
    expect(adjustObjectValue("+4")).toBe(4);
    expect(adjustObjectValue("0")).toBe(0);
  });

  it("keeps everything else a string: leading zeros, floats, null, JSON text, words", () => {
    expect(adjustObjectValue("0123")).toBe("0123");
    expect(adjustObjectValue("1.5")).toBe("1.5");
    expect(adjustObjectValue("null")).toBe("null");
    expect(adjustObjectValue('{"a":1}')).toBe('{"a":1}');
    expect(adjustObjectValue("True")).toBe("True");
    expect(adjustObjectValue("99999999999999999999")).toBe("99999999999999999999");
  });
});

describe("setConfigPath (pulumi config set --path mcp-stack:<path> <value>)", () => {
  it("stores a one-segment path as the plain string given", () => {
    expect(setConfigPath({}, "version", "1.2.3")).toEqual({ version: "1.2.3" });
    expect(setConfigPath({}, "mcp-stack:target", "kubernetes")).toEqual({ target: "kubernetes" });
    // Not adjusted: the program's readOverrides then reads "6" as JSON, a number.
    expect(setConfigPath({}, "replicas", "6")).toEqual({ replicas: "6" });
  });

  it("stores a deeper path as JSON text of an object under the top-level key", () => {
    const one = setConfigPath({}, "kubernetes.hpa.maxReplicas", "30");
    expect(one).toEqual({ kubernetes: '{"hpa":{"maxReplicas":30}}' });
    const two = setConfigPath(one, "kubernetes.serviceType", "LoadBalancer");
    expect(JSON.parse(two.kubernetes as string)).toEqual({
      hpa: { maxReplicas: 30 },
      serviceType: "LoadBalancer",
    });
  });

  it("merges into what the stack already holds", () => {
    const base = { jaeger: JSON.stringify({ collector: { exportEndpoint: "x:4317" } }) };
    const next = setConfigPath(base, "jaeger.collector.insecure", "true");
    expect(JSON.parse(next.jaeger as string)).toEqual({
      collector: { exportEndpoint: "x:4317", insecure: true },
    });
  });

  it("creates arrays for index segments and appends at the end only", () => {
    const a = setConfigPath({}, "list[0]", "x");
    expect(a).toEqual({ list: '["x"]' });
    expect(setConfigPath(a, "list[1]", "7")).toEqual({ list: '["x",7]' });
    expect(() => setConfigPath(a, "list[5]", "y")).toThrow("array index out of range");
  });

  it("rejects another namespace and a path into a scalar", () => {
    expect(() => setConfigPath({}, "aws:region", "x")).toThrow(ConfigPathError);
    expect(() => setConfigPath({ version: "1.0.0" }, "version.major", "1")).toThrow(/not an object/);
  });
});

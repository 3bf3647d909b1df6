import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../environments/index.js";
import { loadProject, loadStackConfig, mergeStackConfig } from "../helpers/pulumi-cli-config.js";

const ROOT = join(import.meta.dirname, "..", "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const stackFiles = readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));

describe("Pulumi.yaml and the stack files, under the CLI's own config rules", () => {
  const project = loadProject(read("Pulumi.yaml"));

  it("has a stack file for every environment, and no other", () => {
    expect(stackFiles.map((f) => f.split(".")[1]).sort()).toEqual([...ENVIRONMENT_NAMES].sort());
  });

  it.each(stackFiles)("%s passes the CLI's merge and type checks", (file) => {
    const stack = file.split(".")[1] as string;
    const { errors, merged } = mergeStackConfig(stack, project, loadStackConfig(read(file)));
    expect(errors).toEqual([]);
    // Each stack deploys its own environment model: the key the program reads names it.
    expect(merged["mcp-stack:environment"]).toBe(stack);
  });

  it("disables the default Kubernetes provider for every stack", () => {
    for (const file of stackFiles) {
      const { merged } = mergeStackConfig("x", project, loadStackConfig(read(file)));
      expect(merged["pulumi:disable-default-providers"]).toContain("kubernetes");
    }
  });
});

describe("the CLI rules as encoded (each fails on the mistake it names)", () => {
  const buggy = `name: mcp-stack
runtime: nodejs
config:
  mcp-stack:environment:
    type: string
    description: Environment model to deploy`;

  it("rejects a typed project key with no default that a stack leaves unset (the bug of issue 10)", () => {
    const { errors } = mergeStackConfig("prod", loadProject(buggy), loadStackConfig("config: {}\n"));
    expect(errors).toEqual(["Stack 'prod' is missing configuration value 'mcp-stack:environment'"]);
  });

  it("reports every missing key at once, sorted", () => {
    const text = `${buggy}\n  b:\n    type: string\n  a:\n    type: integer\n`;
    const { errors } = mergeStackConfig("prod", loadProject(text), {});
    expect(errors).toEqual([
      "Stack 'prod' is missing configuration values 'a', 'b' and 'mcp-stack:environment'",
    ]);
  });

  it("accepts a default instead of a stack value", () => {
    const text = buggy.replace("type: string", 'type: string\n    default: ""');
    expect(mergeStackConfig("prod", loadProject(text), {}).errors).toEqual([]);
  });

  it("checks a stack value against the declared type", () => {
    const text = "name: p\nruntime: nodejs\nconfig:\n  replicas:\n    type: integer\n";
    expect(mergeStackConfig("s", loadProject(text), { "p:replicas": "three" }).errors).toEqual([
      "Stack 's' with configuration key 'replicas' must be of type 'integer'",
    ]);
    expect(mergeStackConfig("s", loadProject(text), { "p:replicas": "3" }).errors).toEqual([]);
  });

  it("rejects a type or default on another namespace's key, and a missing value", () => {
    expect(() => loadProject("name: p\nruntime: nodejs\nconfig:\n  aws:region:\n    type: string\n")).toThrow(
      "Configuration key 'aws:region' is not namespaced by the project and should not define a type",
    );
    expect(() => loadProject("name: p\nruntime: nodejs\nconfig:\n  aws:region:\n    default: x\n")).toThrow(
      /should not define a default value/,
    );
    expect(() =>
      loadProject("name: p\nruntime: nodejs\nconfig:\n  aws:region:\n    description: x\n"),
    ).toThrow("Configuration key 'aws:region' is namespaced and must provide an attribute 'value'");
  });

  it("rejects both default and value, an array without items, and a default of the wrong type", () => {
    expect(() =>
      loadProject("name: p\nruntime: nodejs\nconfig:\n  k:\n    default: a\n    value: b\n"),
    ).toThrow("project config 'k' cannot have both a 'default' and 'value' attribute");
    expect(() => loadProject("name: p\nruntime: nodejs\nconfig:\n  k:\n    type: array\n")).toThrow(
      /declares an array but does not specify the underlying type/,
    );
    expect(() =>
      loadProject("name: p\nruntime: nodejs\nconfig:\n  k:\n    type: boolean\n    default: 3\n"),
    ).toThrow("The default value specified for configuration key 'k' is not of the expected type 'boolean'");
  });

  it("rejects a stack file key without a namespace", () => {
    expect(() => loadStackConfig("config:\n  environment: prod\n")).toThrow(/could not parse environment/);
  });
});

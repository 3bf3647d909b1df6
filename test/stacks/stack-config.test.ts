import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { RENDER_CONFIG } from "../../stacks/kubernetes/render.js";
import { runUnderMocks } from "../../stacks/mock-run.js";
import { ofType, runStackWithSecrets, TEST_SECRETS } from "../helpers/stack.js";

const run = promisify(execFile);

describe("stack config overrides", () => {
  it("selects the environment from the stack name", async () => {
    const result = await runStackWithSecrets("prod");
    expect(result.outputs.environment).toBe("prod");
    expect(result.outputs.namespace).toBe("production");
  });

  it("lands a structured override (pulumi config set --path mcp-stack:kubernetes.namespace)", async () => {
    const result = await runStackWithSecrets("staging", {
      config: { kubernetes: { namespace: "staging-eu" } },
    });
    const namespaces = ofType(result, "kubernetes:core/v1:Namespace");
    expect(namespaces.map((n) => (n.inputs.metadata as { name: string }).name)).toEqual(["staging-eu"]);
  });

  it("lets another stack name pick an environment through mcp-stack:environment", async () => {
    const result = await runStackWithSecrets("prod-eu-west", { config: { environment: "prod" } });
    expect(result.outputs.environment).toBe("prod");
  });

  it("fails on an invalid override with the environment and field path", async () => {
    await expect(
      runStackWithSecrets("prod", { config: { kubernetes: { hpa: { minReplicas: 50 } } } }),
    ).rejects.toThrow("prod: kubernetes.hpa.minReplicas: minReplicas 50 exceeds maxReplicas 20");
  });

  it("fails on a misspelt top-level key (pulumi config set --path mcp-stack:kubernete.replicas 3), naming the near key", async () => {
    await expect(runStackWithSecrets("staging", { config: { kubernete: { replicas: 3 } } })).rejects.toThrow(
      '  - staging: kubernete: unknown key in stack config (remove it: pulumi config rm mcp-stack:kubernete); did you mean "kubernetes"?',
    );
  });

  it("reports unknown config keys together with the model's own problems, and secret keys by name only", async () => {
    const error = await runStackWithSecrets("prod", {
      config: { kubernete: { replicas: 3 }, kubernetes: { replica: 2 } },
      secrets: { grafanaAdminPasword: "s3cret-value-41" },
    }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error?.split("\n")).toEqual([
      'Invalid environment "prod":',
      expect.stringMatching(/^ {2}- prod: grafanaAdminPasword: .*did you mean "grafanaAdminPassword"\?$/),
      expect.stringMatching(/^ {2}- prod: kubernete: .*did you mean "kubernetes"\?$/),
      '  - prod: kubernetes.replica: unknown key; did you mean "replicas"?',
    ]);
    expect(error).not.toContain("s3cret-value-41");
  });

  it("accepts every key the program reads (model fields, environment, secrets, cluster, image)", async () => {
    const result = await runStackWithSecrets("prod-eu", {
      config: {
        environment: "prod",
        imageRegistry: "ghcr.io/acme",
        registryUsername: "ci",
        kubeconfig: "/k",
      },
      secrets: { registryPassword: "token", databaseUrl: "postgres://x" },
    });
    expect(result.outputs.environment).toBe("prod");
  });

  it("fails on a stack name that is no environment, listing the valid ones", async () => {
    await expect(runStackWithSecrets("qa")).rejects.toThrow(
      'Unknown environment "qa". Valid environments: dev, staging, prod',
    );
  });

  it("stops with the exact pulumi command when a required secret is missing", async () => {
    const { dbPassword: _omit, ...rest } = TEST_SECRETS;
    await expect(runUnderMocks("staging", { secrets: rest })).rejects.toThrow(
      'staging: missing secret "dbPassword"; run: pulumi config set --secret mcp-stack:dbPassword <value>',
    );
  });

  it("lists every missing secret at once, each with its command", async () => {
    const { dbPassword: _a, apiKeys: _b, ...rest } = TEST_SECRETS;
    // Everything else configured: the one problem keeps its own message (with more, they come as one list).
    await expect(runUnderMocks("staging", { config: RENDER_CONFIG.staging, secrets: rest })).rejects.toThrow(
      'staging: missing secrets "dbPassword", "apiKeys"; run:\n' +
        "  pulumi config set --secret mcp-stack:dbPassword <value>\n" +
        "  pulumi config set --secret mcp-stack:apiKeys <value>",
    );
  });

  it("reads config from the PULUMI_CONFIG environment the Pulumi engine sets", async () => {
    // A fresh process: the SDK reads PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS at start, as under `pulumi up`.
    const config = {
      "mcp-stack:kubernetes": JSON.stringify({ replicas: 3, hpa: { maxReplicas: 12 } }),
      ...Object.fromEntries(Object.entries(TEST_SECRETS).map(([k, v]) => [`mcp-stack:${k}`, v])),
    };
    const script = `
      import * as pulumi from "@pulumi/pulumi";
      import { loadEnvironment } from "./stacks/stack-config.ts";
      const env = loadEnvironment("prod", new pulumi.Config("mcp-stack"));
      console.log(JSON.stringify({ replicas: env.kubernetes.replicas, max: env.kubernetes.hpa.maxReplicas, min: env.kubernetes.hpa.minReplicas }));
    `;
    const { stdout } = await run(
      "npx",
      ["tsx", "--conditions=@mcp-stack/source", "--input-type=module", "-e", script],
      {
        env: {
          ...process.env,
          PULUMI_CONFIG: JSON.stringify(config),
          PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(Object.keys(TEST_SECRETS).map((k) => `mcp-stack:${k}`)),
        },
      },
    );
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({ replicas: 3, max: 12, min: 4 });
  });
});

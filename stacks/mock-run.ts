import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings.js";
import { runStack } from "./program.js";

/** A resource as the program registered it: its type token, name, and inputs after resolution. */
export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

export interface MockRunOptions {
  /** Plain stack config (`mcp-stack:` prefix added); objects are stored as JSON like `--path` does. */
  readonly config?: Record<string, unknown>;
  /** Secret stack config (`pulumi config set --secret`). */
  readonly secrets?: Record<string, string>;
}

export interface MockRunResult {
  readonly resources: readonly RegisteredResource[];
  readonly outputs: Record<string, unknown>;
}

const PROJECT = "mcp-stack";

/**
 * The SDK's own "every queued registration has been answered" promise. It is exported at runtime but
 * marked @internal in the typings, so it is looked up, and a missing one is a loud error after an upgrade.
 */
function waitForRPCs(): Promise<void> {
  const fn = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof fn !== "function")
    throw new Error("@pulumi/pulumi no longer exports runtime/settings.waitForRPCs");
  return fn();
}

/** A stable fake sha256 digest of a string, so mocked image digests are deterministic. */
function fakeDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

/**
 * Outputs a provider computes (not echoed from inputs) that the program passes on, faked
 * deterministically: the pushed digest of a built image, the local ID of a pulled one.
 */
function computedOutputs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type === "docker:index/image:Image") {
    const name = String(inputs.imageName ?? "");
    // After a push: repository@sha256:… (tag stripped); a local-only build reports its image ID.
    const repository = name.replace(/:[^:/]+$/, "");
    return { repoDigest: inputs.skipPush === true ? fakeDigest(name) : `${repository}@${fakeDigest(name)}` };
  }
  if (type === "docker:index/remoteImage:RemoteImage") {
    const name = String(inputs.name ?? "");
    return { imageId: fakeDigest(name), repoDigest: `${name.replace(/:[^:/]+$/, "")}@${fakeDigest(name)}` };
  }
  return {};
}

/**
 * Run the real stack program under the Pulumi SDK's mocks (`pulumi.runtime.setMocks`): no engine, no
 * cluster, but every resource registration goes through the SDK exactly as in `pulumi up`.
 * Used by the tests and by `npm run render`.
 */
export async function runUnderMocks(stack: string, options: MockRunOptions = {}): Promise<MockRunResult> {
  const resources: RegisteredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return {
          id: `${args.name}-id`,
          state: { ...args.inputs, ...computedOutputs(args.type, args.inputs) },
        };
      },
      call(args) {
        return args.inputs;
      },
    },
    PROJECT,
    stack,
    false,
  );
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.config ?? {})) {
    config[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(options.secrets ?? {})) {
    config[`${PROJECT}:${k}`] = v;
    secretKeys.push(`${PROJECT}:${k}`);
  }
  pulumi.runtime.setAllConfig(config, secretKeys);

  const out = runStack(stack, new pulumi.Config(PROJECT));
  const outputs = await new Promise<Record<string, unknown>>((resolve) => {
    pulumi.output(out).apply((v) => {
      resolve(v as Record<string, unknown>);
      return v;
    });
  });
  await waitForRPCs();
  return { resources, outputs };
}

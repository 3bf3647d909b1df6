import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings.js";
import { runStack } from "./program.js";

/** Resource options as the SDK sent them to the engine (empty string = not set). */
export interface RegisteredOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Provider reference `<urn>::<id>`, or "" for the default provider. */
  readonly provider: string;
  /** URN of the parent. */
  readonly parent: string;
  /** Old types this resource answers to (`aliases: [{ type }]`), as the engine receives the alias specs. */
  readonly aliasTypes: readonly string[];
  /**
   * Alias URNs in full: what the SDK sends when it computes aliases itself, children's inherited ones
   * included (an engine without alias specs; with them the engine derives the same URNs).
   */
  readonly aliasUrns: readonly string[];
  /**
   * URNs the registration waits for: `dependsOn` as the SDK sends it, a component's expanded to the
   * custom resources under it, plus the resources whose outputs its inputs use.
   */
  readonly dependencies: readonly string[];
}

/** A resource as the program registered it: its type token, name, inputs after resolution, options. */
export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly options: RegisteredOptions;
}

/** A registration as its children name it: type token, logical name, parent URN ("" at the top). */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
}

export interface MockRunOptions {
  /** Plain stack config (`mcp-stack:` prefix added); objects are stored as JSON like `--path` does. */
  readonly config?: Record<string, unknown>;
  /** Secret stack config (`pulumi config set --secret`). */
  readonly secrets?: Record<string, string>;
}

export interface MockRunResult {
  readonly resources: readonly RegisteredResource[];
  /** Every registration (components included) by the URN the engine answered with. */
  readonly registrations: ReadonlyMap<string, Registration>;
  readonly outputs: Record<string, unknown>;
}

const PROJECT = "mcp-stack";

/**
 * The SDK's own "every queued registration has been answered" promise. It is exported at runtime but
 * marked @internal in the typings, so it is looked up, and a missing one is a loud error after an upgrade.
 */
export function waitForRPCs(): Promise<void> {
  const fn = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof fn !== "function")
    throw new Error("@pulumi/pulumi no longer exports runtime/settings.waitForRPCs");
  return fn();
}

/** The parts of a RegisterResourceRequest (the SDK's generated protobuf class) read here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect?(): boolean | undefined;
  getRetainondelete?(): boolean | undefined;
  getProvider(): string;
  getParent(): string;
  getAliasesList(): { getUrn(): string; getSpec(): { getType(): string } | undefined }[];
  getAliasurnsList(): string[];
  getDependenciesList(): string[];
}

interface RecordableMonitor {
  registerResource(req: RegisterRequest, callback: (...args: unknown[]) => void): unknown;
}

/**
 * Record each registration's resource options from the request the SDK sends to the engine, by
 * wrapping the mock monitor: `mocks.newResource` sees inputs and provider only, and protect /
 * retainOnDelete are exactly what a test must see as Pulumi would.
 */
export function recordOptions(
  into: Map<string, RegisteredOptions>,
  urns: Map<string, Registration> = new Map(),
): void {
  const monitor = (settings as unknown as { getMonitor(): RecordableMonitor | undefined }).getMonitor();
  if (!monitor || typeof monitor.registerResource !== "function")
    throw new Error("@pulumi/pulumi's mock monitor no longer has registerResource");
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    into.set(`${req.getType()}::${req.getName()}`, {
      protect: req.getProtect?.() ?? false,
      retainOnDelete: req.getRetainondelete?.() ?? false,
      provider: req.getProvider(),
      parent: req.getParent(),
      aliasTypes: req
        .getAliasesList()
        .map((a) => a.getSpec()?.getType() ?? "")
        .filter((t) => t !== ""),
      aliasUrns: [
        ...req.getAliasurnsList(),
        ...req
          .getAliasesList()
          .map((a) => a.getUrn())
          .filter((u) => u !== ""),
      ],
      dependencies: req.getDependenciesList(),
    });
    const registration = { type: req.getType(), name: req.getName(), parent: req.getParent() };
    return register(req, (...args: unknown[]) => {
      const urn = (args[1] as { getUrn?(): string } | undefined)?.getUrn?.();
      if (urn) urns.set(urn, registration);
      return callback(...args);
    });
  };
}

/**
 * The components a resource was created in, innermost first, each as `<type> <name>` (e.g.
 * `mcp-stack:index:McpBackend mcp-backend`): what to grep for to find where an object comes from.
 */
export function componentChain(parent: string, registrations: ReadonlyMap<string, Registration>): string[] {
  const chain: string[] = [];
  for (let urn = parent; urn !== ""; ) {
    const r = registrations.get(urn);
    if (!r) throw new Error(`parent ${urn} was never registered`);
    if (r.type !== "pulumi:pulumi:Stack") chain.push(`${r.type} ${r.name}`);
    urn = r.parent;
  }
  return chain;
}

/** The address mocked LoadBalancer Services get (RFC 5737 documentation range). */
export const MOCK_LOAD_BALANCER_IP = "203.0.113.10";

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
  const spec = inputs.spec as { type?: string } | undefined;
  if (type === "kubernetes:core/v1:Service" && spec?.type === "LoadBalancer") {
    // What a cloud's load-balancer controller writes back once it has an address (TEST-NET-3).
    return { status: { loadBalancer: { ingress: [{ ip: MOCK_LOAD_BALANCER_IP }] } } };
  }
  if (type === "kubernetes:core/v1:Secret") {
    // The API server's resourceVersion: opaque, and new on every write. A hash of the inputs stands in,
    // so a changed value gives a new version, as a real update would.
    const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
    const version = createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 12);
    return { metadata: { ...metadata, resourceVersion: version } };
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
  const sentOptions = new Map<string, RegisteredOptions>();
  const registrations = new Map<string, Registration>();
  const noOptions: RegisteredOptions = {
    protect: false,
    retainOnDelete: false,
    provider: "",
    parent: "",
    aliasTypes: [],
    aliasUrns: [],
    dependencies: [],
  };
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          options: sentOptions.get(`${args.type}::${args.name}`) ?? noOptions,
        });
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
  recordOptions(sentOptions, registrations);
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.config ?? {})) {
    if (v === undefined) continue;
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
  return { resources, registrations, outputs };
}

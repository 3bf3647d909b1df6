import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PackConfig } from "./config.js";

/**
 * Test helpers in the manner of Pulumi's policy pack tests: build the validation args the engine
 * would pass, call the policy's validateResource / validateStack, collect the violations.
 */

/** A resource as a test describes it: type token, logical name, inputs, protect. */
export interface TestResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly protect?: boolean;
}

function options(protect = false): PolicyResourceOptions {
  return {
    protect,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  };
}

const urn = (r: TestResource) => `urn:pulumi:test::mcp-stack::${r.type}::${r.name}`;

class NotApplicable extends Error {}

/** What `--policy-pack-config` would hand the named policy: its section of the file, or nothing. */
function configFor(config: PackConfig, policy: string): <T extends object>() => T {
  const section = (config as Record<string, object | undefined>)[policy] ?? {};
  return <T extends object>() => structuredClone(section) as T;
}

export function resourceValidationArgs(
  r: TestResource,
  getConfig: <T extends object>() => T = () => ({}) as never,
): ResourceValidationArgs {
  return {
    type: r.type,
    name: r.name,
    props: r.props,
    urn: urn(r),
    opts: options(r.protect),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export function stackValidationArgs(
  resources: readonly TestResource[],
  getConfig: <T extends object>() => T = () => ({}) as never,
): StackValidationArgs {
  const policyResources: PolicyResource[] = resources.map((r) => ({
    type: r.type,
    name: r.name,
    props: r.props,
    urn: urn(r),
    opts: options(r.protect),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  })) as unknown as PolicyResource[];
  return {
    resources: policyResources,
    stackTags: new Map(),
    getConfig,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  } as unknown as StackValidationArgs;
}

async function collect(run: (report: ReportViolation) => unknown): Promise<string[]> {
  const found: string[] = [];
  try {
    await run((message) => found.push(message));
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
  return found;
}

/** The violations a resource policy reports for one resource, under a `--policy-pack-config` file. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  r: TestResource,
  config: PackConfig = {},
): Promise<string[]> {
  const validations = [policy.validateResource ?? []].flat();
  const args = resourceValidationArgs(r, configFor(config, policy.name));
  const out: string[] = [];
  for (const validate of validations) out.push(...(await collect((report) => validate(args, report))));
  return out;
}

/** The violations a stack policy reports for a stack of resources, under a `--policy-pack-config` file. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: readonly TestResource[],
  config: PackConfig = {},
): Promise<string[]> {
  const args = stackValidationArgs(resources, configFor(config, policy.name));
  return collect((report) => policy.validateStack(args, report));
}

import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings.js";

/** A resource as a component registered it under the SDK's mocks. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The SDK's own marker of a secret value in serialised inputs (`{ [sig]: SECRET_SIG, value }`). */
export const SECRET_SIG: string = pulumi.runtime.specialSecretSig;

/**
 * Put the SDK's mocks in place for one component test file and collect every registration into the
 * returned array (inputs echoed back as state). Call from `beforeAll`.
 */
export async function recordRegistrations(stack: string): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(a) {
        registered.push({ type: a.type, name: a.name, inputs: a.inputs as Record<string, unknown> });
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => a.inputs,
    },
    "mcp-stack",
    stack,
    false,
  );
  return registered;
}

/** Every registration queued so far has been answered (the SDK's own bookkeeping). */
export { waitForRPCs as settled } from "../../stacks/mock-run.js";

/** The resolved value of an Output (under the mocks every Output resolves). */
export const outputValue = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

/**
 * URNs of every resource the mock monitor has answered (children carry their parents' types before
 * their own: `…::mcp-stack:index:Redis$kubernetes:apps/v1:StatefulSet::redis`). Call after `settled()`.
 */
export function registeredUrns(): string[] {
  const monitor = (
    settings as unknown as { getMonitor(): { resources?: Map<string, unknown> } }
  ).getMonitor();
  if (!(monitor.resources instanceof Map))
    throw new Error("@pulumi/pulumi's mock monitor no longer keeps resources");
  return [...monitor.resources.keys()];
}

import * as pulumi from "@pulumi/pulumi";

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

/** The resolved value of an Output (under the mocks every Output resolves). */
export const outputValue = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

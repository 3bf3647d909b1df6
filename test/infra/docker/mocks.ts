import * as pulumi from "@pulumi/pulumi";

/**
 * The SDK's mocks for the Docker components' tests: every registration's inputs by `<type>::<name>`,
 * with the digests a real engine computes faked (a build's repoDigest, a pull's imageId).
 */
export async function recordDockerInputs(stack: string): Promise<Map<string, Record<string, unknown>>> {
  const inputs = new Map<string, Record<string, unknown>>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputs.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
        const computed =
          args.type === "docker:index/image:Image"
            ? { repoDigest: `sha256:${"1".repeat(64)}` }
            : args.type === "docker:index/remoteImage:RemoteImage"
              ? { imageId: `sha256:${"2".repeat(64)}` }
              : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computed } };
      },
      call: (args) => args.inputs,
    },
    "mcp-stack",
    stack,
    false,
  );
  return inputs;
}

/** Resolve an Output under mocks. */
export const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

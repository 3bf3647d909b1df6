import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { imageSource, registryServer } from "../../stacks/image.js";
import type { MockRunResult } from "../../stacks/mock-run.js";
import { ofType, runStackWithSecrets, TEST_SECRETS } from "../helpers/stack.js";
import { plainStrings, unwrapSecret } from "../infra/docker/plain-values.js";

/** The reference Deployment runs `mcp-backend:1.0.0`: the service name, tagged with the version. */
const REFERENCE_IMAGE = "mcp-backend:1.0.0";
const REGISTRY_PASSWORD = "registry-token-4e1d77";
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const env = { name: "staging", version: "1.0.0", kubernetes: { sideLoadedImage: false } } as const;
const localCluster = { ...env, name: "dev", kubernetes: { sideLoadedImage: true } } as const;

/**
 * The mcp-backend Deployment's container image, or undefined while the Kubernetes app tier (another
 * issue) creates no Deployment yet.
 */
function deploymentImage(run: MockRunResult): string | undefined {
  const deployment = ofType(run, "kubernetes:apps/v1:Deployment").find((d) =>
    JSON.stringify(d.inputs).includes('"name":"mcp-backend"'),
  );
  if (!deployment) return undefined;
  const spec = deployment.inputs.spec as {
    template: { spec: { containers: { name: string; image: string }[] } };
  };
  return spec.template.spec.containers.find((c) => c.name === "mcp-backend")?.image;
}

describe("imageSource", () => {
  it("takes a prebuilt reference as is", () => {
    expect(imageSource(env, { image: `ghcr.io/acme/mcp-backend@${DIGEST}`, hasPassword: false })).toEqual({
      kind: "prebuilt",
      ref: `ghcr.io/acme/mcp-backend@${DIGEST}`,
    });
    expect(imageSource(env, { image: "localhost:5000/mcp-backend:1.2.3", hasPassword: false })).toMatchObject(
      {
        kind: "prebuilt",
      },
    );
  });

  it("rejects a prebuilt reference that is latest or has no tag", () => {
    expect(() => imageSource(env, { image: "ghcr.io/acme/mcp-backend:latest", hasPassword: false })).toThrow(
      /mcp-stack:image .*latest/,
    );
    expect(() => imageSource(env, { image: "localhost:5000/mcp-backend", hasPassword: false })).toThrow(
      /mcp-stack:image/,
    );
  });

  it("rejects a prebuilt image and a registry together, naming both keys", () => {
    expect(() =>
      imageSource(env, { image: "x/mcp-backend:1.0.0", registry: "ghcr.io/acme", hasPassword: false }),
    ).toThrow(/mcp-stack:image.*mcp-stack:imageRegistry/);
  });

  it("builds <registry>/mcp-backend:<version> for a registry", () => {
    expect(imageSource(env, { registry: "ghcr.io/acme", username: "bot", hasPassword: true })).toEqual({
      kind: "build",
      imageName: "ghcr.io/acme/mcp-backend:1.0.0",
      server: "ghcr.io",
      credentials: true,
    });
  });

  it("uses the Docker CLI's login when neither registry user nor password is configured", () => {
    expect(imageSource(env, { registry: "ghcr.io/acme", hasPassword: false })).toMatchObject({
      kind: "build",
      credentials: false,
    });
  });

  it("asks for the registryPassword secret when only the user is configured, and vice versa", () => {
    expect(() => imageSource(env, { registry: "ghcr.io/acme", username: "bot", hasPassword: false })).toThrow(
      /pulumi config set --secret mcp-stack:registryPassword/,
    );
    expect(() => imageSource(env, { registry: "ghcr.io/acme", hasPassword: true })).toThrow(
      /pulumi config set mcp-stack:registryUsername/,
    );
  });

  it("rejects a registry with a scheme or a trailing slash", () => {
    expect(() => imageSource(env, { registry: "https://ghcr.io/acme", hasPassword: false })).toThrow(
      /imageRegistry/,
    );
    expect(() => imageSource(env, { registry: "ghcr.io/acme/", hasPassword: false })).toThrow(
      /imageRegistry/,
    );
  });

  it("falls back to the bare service image on a cluster that side-loads images", () => {
    expect(imageSource(localCluster, { hasPassword: false })).toEqual({
      kind: "unconfigured",
      ref: REFERENCE_IMAGE,
    });
  });

  it("stops with both config lines when a pulling cluster has no image source", () => {
    expect(() => imageSource(env, { hasPassword: false })).toThrow(
      /staging: no app image configured; run one of:\n {2}pulumi config set mcp-stack:imageRegistry .*\n {2}pulumi config set mcp-stack:image /,
    );
  });

  it("finds the registry host for pushing", () => {
    expect(registryServer("ghcr.io/acme")).toBe("ghcr.io");
    expect(registryServer("localhost:5000/team")).toBe("localhost:5000");
    expect(registryServer("acme")).toBe("docker.io");
  });
});

describe("app image of staging and prod", () => {
  it("builds the runtime stage from the repo root, pushes it, and deploys the pushed digest", async () => {
    const run = await runStackWithSecrets("staging", {
      config: { imageRegistry: "ghcr.io/acme", registryUsername: "ci-bot" },
      secrets: { registryPassword: REGISTRY_PASSWORD },
    });
    const images = ofType(run, "docker:index/image:Image");
    expect(images).toHaveLength(1);
    const image = images[0]!;
    const build = image.inputs.build as {
      context: string;
      dockerfile: string;
      target: string;
      platform: string;
    };
    expect(image.inputs.imageName).toBe(`ghcr.io/acme/${REFERENCE_IMAGE}`);
    expect(build.target).toBe("runtime");
    expect(build.dockerfile).toBe("app/Dockerfile");
    expect(existsSync(path.join(build.context, "package-lock.json"))).toBe(true);
    expect(existsSync(path.join(build.context, "contract", "package.json"))).toBe(true);
    expect(image.inputs.skipPush).toBe(false);
    expect(unwrapSecret(image.inputs.registry)).toEqual({
      server: "ghcr.io",
      username: "ci-bot",
      password: REGISTRY_PASSWORD,
    });

    expect(run.outputs.image).toMatch(/^ghcr\.io\/acme\/mcp-backend@sha256:[a-f0-9]{64}$/);
    expect(deploymentImage(run)).toBe(run.outputs.image);
  });

  it("keeps the registry password out of every plain input", async () => {
    const run = await runStackWithSecrets("prod", {
      config: { imageRegistry: "ghcr.io/acme", registryUsername: "ci-bot" },
      secrets: { registryPassword: REGISTRY_PASSWORD },
    });
    for (const r of run.resources) {
      const leaks = plainStrings(r.inputs).filter(
        (s) => s.includes(REGISTRY_PASSWORD) || s.includes(TEST_SECRETS.dbPassword),
      );
      expect([r.type, r.name, leaks]).toEqual([r.type, r.name, []]);
    }
  });

  it("deploys a prebuilt image reference as is, building nothing", async () => {
    const ref = `registry.example.com/team/mcp-backend@${DIGEST}`;
    const run = await runStackWithSecrets("prod", { config: { image: ref } });
    expect(ofType(run, "docker:index/image:Image")).toHaveLength(0);
    expect(run.outputs.image).toBe(ref);
    expect(deploymentImage(run)).toBe(ref);
  });

  it.each(["staging", "prod"])(
    "%s stops before creating anything when no image source is configured",
    async (stack) => {
      await expect(runStackWithSecrets(stack, { config: { image: undefined } })).rejects.toThrow(
        `${stack}: no app image configured`,
      );
    },
  );

  it("dev on a local cluster runs the reference's image name, side-loaded", async () => {
    const run = await runStackWithSecrets("dev", { config: { target: "kubernetes", image: undefined } });
    expect(ofType(run, "docker:index/image:Image")).toHaveLength(0);
    expect(run.outputs.image).toBe(REFERENCE_IMAGE);
    expect(deploymentImage(run)).toBe(REFERENCE_IMAGE);
  });

  it("stops with the missing key when a registry user is configured without the password", async () => {
    await expect(
      runStackWithSecrets("staging", {
        config: { imageRegistry: "ghcr.io/acme", registryUsername: "ci-bot" },
      }),
    ).rejects.toThrow(/mcp-stack:registryPassword/);
  });
});

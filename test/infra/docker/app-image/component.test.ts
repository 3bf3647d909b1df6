import { beforeAll, describe, expect, it } from "vitest";
import { AppImage } from "../../../../infra/docker/index.js";
import { recordDockerInputs, value } from "../mocks.js";

let inputs = new Map<string, Record<string, unknown>>();
beforeAll(async () => {
  inputs = await recordDockerInputs("app-image");
});

describe("AppImage", () => {
  it("defaults to the runtime stage of app/Dockerfile for linux/amd64, pushed", async () => {
    const image = new AppImage("image-defaults", {
      imageName: "ghcr.io/acme/mcp-backend:1.0.0",
      context: "/repo",
    });
    await value(image.ref);
    const i = inputs.get("docker:index/image:Image::image-defaults")!;
    expect(i.build).toEqual({
      context: "/repo",
      dockerfile: "app/Dockerfile",
      target: "runtime",
      platform: "linux/amd64",
    });
    expect(i.skipPush).toBe(false);
  });
});

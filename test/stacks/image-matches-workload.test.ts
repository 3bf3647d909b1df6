import { readFileSync } from "node:fs";
import { HTTP_PATHS } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENVIRONMENT_NAMES } from "../../environments/index.js";

/**
 * The image and the Kubernetes workload that runs it must agree: the pod runs as the image's user, every
 * path the image declares writable is a volume (the root filesystem is read-only), and the image's own
 * HEALTHCHECK calls the path the liveness probe calls. Read from the Dockerfile and the committed
 * rendered manifests (whose freshness another test guards).
 */
const dockerfile = readFileSync("app/Dockerfile", "utf8");
const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));

interface Container {
  name: string;
  securityContext: { runAsUser: number; runAsGroup: number; readOnlyRootFilesystem: boolean };
  volumeMounts: { mountPath: string }[];
  livenessProbe: { httpGet: { path: string } };
}

function appContainer(env: string): { container: Container; pod: { securityContext: { fsGroup: number } } } {
  const doc = parse(readFileSync(`rendered/${env}/deployment-mcp-backend.yaml`, "utf8"));
  const pod = doc.spec.template.spec;
  return { container: pod.containers.find((c: Container) => c.name === "mcp-backend"), pod };
}

describe("the app image and its Kubernetes workload", () => {
  const [, uid, gid] = /^USER (\d+):(\d+)$/m.exec(runtime) ?? [];
  const volumes: string[] = JSON.parse(/^VOLUME (\[.*\])$/m.exec(runtime)?.[1] ?? "[]");

  it("declares a numeric user and writable volumes in the runtime stage", () => {
    expect(Number(uid)).toBeGreaterThanOrEqual(10000);
    expect(volumes.length).toBeGreaterThan(0);
  });

  it.each(ENVIRONMENT_NAMES)(
    "%s runs the pod as the image's user, with a volume for every writable path",
    (env) => {
      const { container, pod } = appContainer(env);
      expect(container.securityContext.runAsUser).toBe(Number(uid));
      expect(container.securityContext.runAsGroup).toBe(Number(gid));
      expect(pod.securityContext.fsGroup).toBe(Number(gid));
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      const mounted = container.volumeMounts.map((m) => m.mountPath);
      for (const path of volumes) expect(mounted).toContain(path);
    },
  );

  it.each(ENVIRONMENT_NAMES)("%s probes liveness on the path the image's HEALTHCHECK calls", (env) => {
    const { container } = appContainer(env);
    expect(container.livenessProbe.httpGet.path).toBe(HTTP_PATHS.live);
    expect(runtime).toContain(`'${HTTP_PATHS.live}'`);
  });
});

import { describe, expect, it } from "vitest";
import { LOG_FILE_MAX_BYTES } from "../../../infra/k8s/mcp-backend/args.js";
import { kubernetesObjects, RENDER_CONFIG } from "../../../stacks/kubernetes/render.js";
import { runStackWithSecrets } from "../../helpers/stack.js";
import { find } from "./rendered-objects.js";

/**
 * Logs on Kubernetes: stdout only by default (a deviation from the reference's LOG_FILE, documented in
 * docs/kubernetes.md). Engine rule: the kubelet evicts a pod whose emptyDir use exceeds its
 * `sizeLimit` (kubernetes/kubernetes pkg/kubelet/eviction/eviction_manager.go, emptyDirLimitEviction),
 * and eviction does not consult the PodDisruptionBudget; so a file, when on, must rotate within it.
 */
const BYTES: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
const bytes = (q: string) => {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  return Number(m[1]) * BYTES[m[2]!]!;
};

async function appPod(env: "staging" | "prod", config: Record<string, unknown> = {}) {
  const run = await runStackWithSecrets(env, { config: { ...RENDER_CONFIG[env], ...config } });
  const objects = kubernetesObjects(run.resources);
  const data = find(objects, "ConfigMap", "mcp-backend-config").data as Record<string, string>;
  const spec = (
    find(objects, "Deployment", "mcp-backend").spec as {
      template: {
        spec: {
          volumes: { name: string; emptyDir?: { sizeLimit: string } }[];
          containers: { name: string; volumeMounts: { name: string; mountPath: string }[] }[];
        };
      };
    }
  ).template.spec;
  return { data, spec };
}

describe.each(["staging", "prod"] as const)("%s: app logs", (env) => {
  it("go to stdout only: no LOG_FILE", async () => {
    const { data } = await appPod(env);
    expect(data.LOG_FILE).toBeUndefined();
    expect(data.LOG_FILE_MAX_BYTES).toBeUndefined();
  });

  it("with logging.kubernetesFile, the file and its rotated copy fit the emptyDir's sizeLimit", async () => {
    const { data, spec } = await appPod(env, {
      logging: {
        level: "INFO",
        json: true,
        file: "/var/log/mcp-backend/app.log",
        kubernetesFile: true,
        consoleTracing: false,
      },
    });
    expect(data.LOG_FILE).toBe("/var/log/mcp-backend/app.log");
    expect(Number(data.LOG_FILE_MAX_BYTES)).toBe(LOG_FILE_MAX_BYTES);
    const app = spec.containers.find((c) => c.name === "mcp-backend")!;
    const mount = app.volumeMounts.find((m) => data.LOG_FILE!.startsWith(`${m.mountPath}/`))!;
    const limit = spec.volumes.find((v) => v.name === mount.name)?.emptyDir?.sizeLimit;
    expect(limit).toBeDefined();
    // The file and LOG_FILE.1 (app/src/lib/rotating-file.ts), with room to spare.
    expect(2 * Number(data.LOG_FILE_MAX_BYTES)).toBeLessThan(bytes(limit!));
  });
});

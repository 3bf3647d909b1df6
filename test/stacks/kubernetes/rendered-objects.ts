import { type RenderedObject, renderObjects } from "../../../stacks/kubernetes/render.js";

export {
  byKind,
  type ContainerSpec,
  containers,
  type PodSpec,
  type PodTemplate,
  podTemplates,
  selects,
} from "../../../policy/rules/objects.js";
export type { RenderedObject };

export function find(objects: readonly RenderedObject[], kind: string, name: string): RenderedObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} rendered`);
  return o;
}

const cache = new Map<string, Promise<RenderedObject[]>>();
/** The rendered objects of an environment (rendered once per test file). */
export function rendered(env: "dev" | "staging" | "prod"): Promise<RenderedObject[]> {
  let p = cache.get(env);
  if (!p) {
    p = renderObjects(env);
    cache.set(env, p);
  }
  return p;
}

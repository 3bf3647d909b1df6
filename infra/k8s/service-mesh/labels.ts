import { PART_OF } from "@mcp-stack/contract";
import { MANAGED_BY } from "../lib/kube-parts.js";

/** Labels of every mesh policy object. */
export function meshLabels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "mesh-policy",
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

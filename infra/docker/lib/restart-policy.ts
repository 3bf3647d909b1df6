/** Docker's restart policy of a container. */
export const RestartPolicy = {
  No: "no",
  OnFailure: "on-failure",
  Always: "always",
  UnlessStopped: "unless-stopped",
} as const;
export type RestartPolicy = (typeof RestartPolicy)[keyof typeof RestartPolicy];

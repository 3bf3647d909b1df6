/**
 * Where things live in the app container, shared by the Pulumi dev stack, the rendered compose file
 * and the Dockerfile lint test. The layout mirrors the repo (npm workspace root at WORKDIR, the app
 * workspace in `app/`), so the reference's `./app:/app/app` and `./logs:/app/logs` mounts apply as is.
 */
export const CONTAINER_LAYOUT = {
  /** WORKDIR: the workspace root (package.json, node_modules, monitoring/). */
  root: "/app",
  /** The app workspace; `./app` is mounted here for hot reload. */
  appDir: "/app/app",
  /** Relative LOG_FILE paths (`logs/…`) resolve here; `./logs` is mounted here. */
  logsDir: "/app/logs",
} as const;

/** Repo-relative host paths of the dev mounts. */
export const HOST_PATHS = { app: "app", logs: "logs" } as const;

/**
 * The dev stage's command: the reference's `uvicorn --reload` becomes `tsx watch`, which restarts the
 * process when any imported file changes. Same as the Dockerfile's dev CMD (checked by its test).
 */
export const DEV_COMMAND = [
  "tsx",
  "watch",
  "--clear-screen=false",
  "--conditions=@mcp-stack/source",
  "app/src/main.ts",
] as const;

/** Dockerfile path (relative to the repo root, the build context) and its stage names. */
export const DOCKERFILE = { path: "app/Dockerfile", devTarget: "dev", runtimeTarget: "runtime" } as const;

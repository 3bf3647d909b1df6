/**
 * npm run cluster -- up [--nodes N] [--port P] | down | status      (state: --dir or MCP_STACK_CLUSTER_DIR)
 * npm run cluster -- restart [--only etcd,kube-apiserver]            (the store and API server, same flags)
 *
 * A local control plane for `pulumi up` without a cloud (docs/deploy.md, "Try it locally"). `up` prints
 * the kubeconfig's path; `down` stops every process `up` started and removes its state.
 */

import { EngineError } from "../engines/build.js";
import {
  ClusterError,
  COMPONENTS,
  defaultClusterDir,
  down,
  isAlive,
  isUp,
  kubectl,
  RESTARTABLE,
  type Restartable,
  readState,
  restart,
  up,
} from "./cluster.js";

const USAGE =
  "usage: npm run cluster -- up [--nodes N] [--port P] [--dir D] | down [--dir D] | status [--dir D]" +
  ` | restart [--only ${RESTARTABLE.join(",")}] [--dir D]`;

function restartable(value: string | undefined): Restartable[] {
  if (value === undefined) return [...RESTARTABLE];
  return value.split(",").map((c) => {
    const found = RESTARTABLE.find((r) => r === c);
    if (!found) throw new ClusterError(`--only takes ${RESTARTABLE.join(" and/or ")}, not '${c}'`);
    return found;
  });
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--"))
    throw new ClusterError(`${name} needs a value\n${USAGE}`);
  args.splice(i, 2);
  return value;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new ClusterError(`${name} takes a whole number, not '${value}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const command = args.shift() ?? "status";
  const dir = option(args, "--dir") ?? defaultClusterDir();
  const nodes = positiveInt("--nodes", option(args, "--nodes"));
  const port = positiveInt("--port", option(args, "--port"));
  const only = restartable(option(args, "--only"));
  if (args.length) throw new ClusterError(`unexpected ${args.join(" ")}\n${USAGE}`);
  const log = (line: string) => process.stderr.write(`cluster: ${line}\n`);
  switch (command) {
    case "up": {
      const state = await up({
        dir,
        log,
        ...(nodes ? { nodes } : {}),
        ...(port ? { apiserverPort: port } : {}),
      });
      log(`up: ${state.server}, Kubernetes ${state.kubernetesVersion}; use it with`);
      log(`  export KUBECONFIG=${state.kubeconfig}`);
      console.log(state.kubeconfig);
      return 0;
    }
    case "restart": {
      const state = await restart(dir, only, { log });
      log(`restarted ${only.join(", ")}: ${state.server} ready`);
      return 0;
    }
    case "down": {
      const { stopped, killed } = await down(dir);
      const forced = killed.length ? ` (${killed.join(", ")} ignored SIGTERM for 10 s: killed)` : "";
      log(
        stopped.length
          ? `stopped ${stopped.join(", ")}${forced} and removed ${dir}`
          : `nothing was running; removed ${dir}`,
      );
      return 0;
    }
    case "status": {
      const state = readState(dir);
      if (!state) {
        console.log(`no cluster in ${dir} (npm run cluster -- up)`);
        return 1;
      }
      for (const c of COMPONENTS)
        console.log(
          `${c.padEnd(24)} ${isAlive(state.processes[c]) ? `running (pid ${state.processes[c]?.pid})` : "not running"}`,
        );
      const ready = await isUp(dir);
      console.log(`${"api".padEnd(24)} ${ready ? `${state.server} ready` : "not ready"}`);
      if (ready) console.log(kubectl(state, ["get", "nodes"]).trim());
      console.log(`kubeconfig: ${state.kubeconfig}`);
      return ready ? 0 : 1;
    }
    default:
      throw new ClusterError(`unknown command ${command}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!(error instanceof ClusterError || error instanceof EngineError)) throw error;
    console.error(`cluster: ${error.message}`);
    process.exitCode = 1;
  },
);

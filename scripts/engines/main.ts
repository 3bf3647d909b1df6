/**
 * npm run engines [-- build | env | status | path <binary>]
 *
 *   build (default)  make every engine available: found on PATH at the pinned version, cached, or built
 *                    from the Go module proxy into the cache (engines/README.md)
 *   env              the same, quietly, then print the `export` lines that put them on PATH:
 *                      eval "$(npm run -s engines -- env)"
 *   status           what is installed, cached or missing, without building
 *   path <binary>    the absolute path of one binary (built first when missing)
 */
import { ENGINE_MODULES, VERSIONS } from "../../engines/manifest.js";
import {
  buildModule,
  cacheRoot,
  EngineError,
  enginePath,
  enginesPath,
  ensureEngines,
  folderBytes,
  installProviderPlugin,
  resolveModule,
} from "./build.js";

const USAGE = "usage: npm run engines [-- build | env | status | path <binary>]";

function main(argv: readonly string[]): number {
  const [command = "build", ...rest] = argv;
  const log = (line: string) => process.stderr.write(`engines: ${line}\n`);
  switch (command) {
    case "build": {
      for (const module of ENGINE_MODULES) {
        const r = buildModule(module, log);
        console.log(`${module.dir.padEnd(20)} ${module.version.padEnd(8)} ${r.source.padEnd(9)} ${r.binDir}`);
      }
      installProviderPlugin(enginePath("pulumi"), enginePath("pulumi-resource-kubernetes"));
      console.log(`pulumi-resource-kubernetes ${VERSIONS.kubernetesProvider} is in the Pulumi plugin cache`);
      console.log(`\nput them on PATH with:  eval "$(npm run -s engines -- env)"`);
      return 0;
    }
    case "env": {
      const resolved = ensureEngines(log);
      const path = enginesPath(resolved, "$PATH");
      installProviderPlugin(enginePath("pulumi"), enginePath("pulumi-resource-kubernetes"));
      console.log(`export PATH="${path}"`);
      // The CLI must never reach for the network: no update check, no plugin download.
      console.log("export PULUMI_SKIP_UPDATE_CHECK=true");
      console.log("export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true");
      return 0;
    }
    case "status": {
      console.log(`cache: ${cacheRoot()}`);
      for (const module of ENGINE_MODULES) {
        const r = resolveModule(module);
        const size = r.source === "missing" ? "" : `${(folderBytes(r.binDir) / 1e6).toFixed(0)} MB`;
        console.log(
          `${module.dir.padEnd(20)} ${module.version.padEnd(8)} ${r.source.padEnd(9)} ${size.padEnd(7)} ${r.binDir}`,
        );
      }
      return 0;
    }
    case "path": {
      const [name] = rest;
      if (!name) throw new EngineError(`path needs a binary name\n${USAGE}`);
      console.log(enginePath(name, log));
      return 0;
    }
    default:
      throw new EngineError(`unknown command ${command}\n${USAGE}`);
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof EngineError)) throw error;
  console.error(`engines: ${error.message}`);
  process.exitCode = 1;
}

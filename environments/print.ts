/**
 * `npm run env -- <name>`: print the fully resolved, validated model of an environment as YAML.
 * Secrets are never known here; the ones the environment requires are listed as `[secret]`.
 */
import { stringify } from "yaml";
import { requiredSecrets } from "./derive.js";
import { EnvironmentValidationError, resolveEnvironment, UnknownEnvironmentError } from "./resolve.js";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run env -- <dev|staging|prod>");
  process.exit(2);
}
try {
  const env = resolveEnvironment(name);
  const secrets = Object.fromEntries(requiredSecrets(env).map((k) => [k, "[secret]"]));
  process.stdout.write(stringify({ ...env, secrets }));
} catch (err) {
  if (err instanceof UnknownEnvironmentError || err instanceof EnvironmentValidationError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

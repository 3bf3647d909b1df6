export { IMAGES, REFERENCE_MONITORING } from "./common.js";
export {
  type ConnectionBudget,
  type Derived,
  derive,
  givenSecrets,
  type ModelFacts,
  modelFacts,
  requiredSecrets,
  type SecretUse,
  secretUses,
  workerCount,
  workersForCores,
  workloadSecretKeys,
} from "./derive.js";
export { deepMerge } from "./merge.js";
export { cpuMillicores, memoryBytes, postgresSize } from "./quantity.js";
export {
  ENVIRONMENTS,
  EnvironmentValidationError,
  isEnvironmentName,
  type ResolvedEnvironment,
  resolveEnvironment,
  UnknownEnvironmentError,
  validateEnvironment,
} from "./resolve.js";
export { checkRules, type RuleIssue } from "./rules.js";
export { ENVIRONMENT_NAMES, type Environment, type EnvironmentName, environmentSchema } from "./schema.js";
export {
  type AppSecretKey,
  SECRET_KEYS,
  SECRETS,
  type SecretCondition,
  type SecretKey,
  type SecretSpec,
  type WorkloadSecretKey,
} from "./secrets.js";

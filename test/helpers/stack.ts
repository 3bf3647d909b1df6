import { IMAGE_CONFIG_KEYS } from "../../stacks/image.js";
import { REVIEW_CONFIG } from "../../stacks/kubernetes/render.js";
import { type MockRunOptions, type MockRunResult, runUnderMocks } from "../../stacks/mock-run.js";

/**
 * Secret config for tests. Each value is distinctive so a test can grep rendered objects, ConfigMaps and
 * logs for it: finding one anywhere but inside a Secret is a leak.
 */
export const TEST_SECRETS = {
  dbPassword: "db-pass-7f3a9c1e",
  openaiApiKey: "sk-test-openai-5b2d8e4f",
  sentryDsn: "https://sentrykey91c2@o1.ingest.sentry.io/4242",
  grafanaAdminPassword: "grafana-pass-3e8b1a6d",
  apiKeys: "apikey-tenant-a-6c1f:tenant-a,apikey-tenant-b-0d9e:tenant-b",
  alertReceiver: "https://hooks.example.invalid/alert-8a7b6c",
} as const;

/**
 * Run a stack's program under Pulumi mocks with all test secrets set, a named cluster and the example
 * image (unless the test chooses its own image source), plus any extra config.
 */
export function runStackWithSecrets(stack: string, options: MockRunOptions = {}): Promise<MockRunResult> {
  const own = options.config ?? {};
  const choosesImage = IMAGE_CONFIG_KEYS.image in own || IMAGE_CONFIG_KEYS.registry in own;
  const base = Object.fromEntries(
    Object.entries(REVIEW_CONFIG).filter(([k]) => !(choosesImage && k === IMAGE_CONFIG_KEYS.image)),
  );
  return runUnderMocks(stack, {
    ...options,
    config: { ...base, ...own },
    secrets: { ...TEST_SECRETS, ...options.secrets },
  });
}

/** The resources of one type token, e.g. "kubernetes:apps/v1:Deployment". */
export function ofType(result: MockRunResult, type: string) {
  return result.resources.filter((r) => r.type === type);
}

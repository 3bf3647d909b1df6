/**
 * `npm start`: configuration from the environment, embedded defaults (PGlite under `.data/`, local
 * embedder, extractive answers), port 8000. Stops cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig } from "./config.js";
import { EmbeddingMismatchError } from "./db/migrations.js";
import { createLogger } from "./lib/logger.js";
import { buildApp } from "./server.js";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ config, logger });
  } catch (error) {
    if (error instanceof EmbeddingMismatchError) {
      logger.fatal(error.message);
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const database = config.database.url ? "postgres (DATABASE_URL)" : `pglite at ${config.database.dataDir}`;
  const address = await app.listen({ host: "0.0.0.0", port: config.port });
  app.log.info(
    { database, embedding: config.embedding, answer: config.answer.provider },
    `listening on ${address}`,
  );
  console.log(`mcp-backend listening on ${address} (database: ${database})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal means "now".
      process.exit(1);
    }
    stopping = true;
    app.log.info(`${signal} received, shutting down`);
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    console.log("mcp-backend stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

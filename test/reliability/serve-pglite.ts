/**
 * A PGlite (pgvector) under a data directory served over the Postgres protocol, in its own process:
 * `node --conditions=@mcp-stack/source --import tsx serve-pglite.ts <dataDir> <port> <maxConnections>`.
 * Prints `serving <port>` once it accepts connections. In its own process so the load generator
 * and the database do not share an event loop, and so `kill -9` is a database outage.
 */
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PgliteDatabase } from "../../app/src/db/pglite-database.js";

const [dataDir, port, maxConnections] = process.argv.slice(2);
const db = await PgliteDatabase.open(dataDir);
const server = new PGLiteSocketServer({
  db: db.pglite,
  host: "127.0.0.1",
  port: Number(port),
  maxConnections: Number(maxConnections ?? 4),
});
await server.start();
console.log(`serving ${port}`);
process.on("SIGTERM", () => {
  void server.stop().then(() => db.close().then(() => process.exit(0)));
});

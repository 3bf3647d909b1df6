/**
 * A second process for the data-folder lock tests:
 * - `hold <dataDir>`: opens the folder with PgliteDatabase (as every tool does), prints `holding`,
 *   and keeps it until its stdin closes (or it is killed);
 * - `race <dataDir> <goFile>`: waits for `goFile` to exist, takes the lock at once, prints `won`
 *   (then holds it until its stdin closes) or `refused`.
 */
import { existsSync } from "node:fs";
import { lockDataDir } from "../../../app/src/db/data-dir-lock.js";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";

const [mode, dataDir, goFile] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: lock-child.ts hold|race <dataDir> [goFile]");

const stdinClosed = new Promise<void>((resolve) => {
  process.stdin.on("end", resolve).on("close", resolve).resume();
});

if (mode === "hold") {
  const db = await PgliteDatabase.open(dataDir);
  console.log("holding");
  await stdinClosed;
  await db.close();
} else if (mode === "race") {
  while (!existsSync(goFile ?? "")) await new Promise((r) => setTimeout(r, 1));
  try {
    const lock = await lockDataDir(dataDir);
    console.log("won");
    await stdinClosed;
    await lock.release();
  } catch (error) {
    console.log(error instanceof Error && error.name === "DataDirLockedError" ? "refused" : `error ${error}`);
  }
} else throw new Error(`unknown mode ${mode}`);

import { mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ConfigError } from "../config.js";
import type { Logger } from "../observability/logger.js";
import { MIGRATIONS } from "./schema.js";

/**
 * Opens (or creates) the gateway's database and brings its schema up to date. WAL journaling with
 * `synchronous = NORMAL`: a commit is safe from a crash of the process (kill -9 included) without an
 * fsync per commit; only a crash of the whole machine can lose the last commits.
 * A file that is not a database is set aside with a warning and a fresh one is started: start-up never
 * fails over history. A database from a newer gateway stops start-up instead (its data is not lost).
 */
export function openDatabase(path: string, logger: Logger): DatabaseSync {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  try {
    return prepare(new DatabaseSync(path));
  } catch (error) {
    if (path === ":memory:" || error instanceof ConfigError) throw error;
    const asidePath = `${path}.corrupt-${Date.now()}`;
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        renameSync(path + suffix, asidePath + suffix);
      } catch {
        // The WAL and shared-memory files exist only while a database is open or after a crash.
      }
    }
    logger.warn(
      { path, movedTo: asidePath, error: (error as Error).message },
      "database unreadable; set it aside and starting a fresh one",
    );
    return prepare(new DatabaseSync(path));
  }
}

function prepare(database: DatabaseSync): DatabaseSync {
  try {
    database.exec("PRAGMA journal_mode = WAL");
    database.exec("PRAGMA synchronous = NORMAL");
    // Another process (the keys:check command, a backup) may hold the file for a moment.
    database.exec("PRAGMA busy_timeout = 5000");
    migrate(database);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

function migrate(database: DatabaseSync): void {
  const row = database.prepare("PRAGMA user_version").get();
  const version = Number(row?.user_version ?? 0);
  if (version > MIGRATIONS.length) {
    throw new ConfigError(
      `the database was written by a newer version of the gateway (schema ${version}; this one knows up to ${MIGRATIONS.length}): run the newer version, or move the database aside`,
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    database.exec("BEGIN IMMEDIATE");
    try {
      database.exec(MIGRATIONS[next] ?? "");
      database.exec(`PRAGMA user_version = ${next + 1}`);
      database.exec("COMMIT");
    } catch (error) {
      database.exec("ROLLBACK");
      throw error;
    }
  }
}

/** Runs `work` in one transaction: every write of a flush lands together or not at all. */
export function inTransaction<T>(database: DatabaseSync, work: () => T): T {
  database.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    database.exec("COMMIT");
    return result;
  } catch (error) {
    if (database.isTransaction) database.exec("ROLLBACK");
    throw error;
  }
}

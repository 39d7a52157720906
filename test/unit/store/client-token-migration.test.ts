/**
 * A database written before client tokens existed (schema 1) gains the token column, the tokens table
 * and the per-token usage table on opening, and keeps every row it had.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createLogger } from "../../../src/observability/logger.js";
import { openDatabase } from "../../../src/store/open-database.js";
import { MIGRATIONS } from "../../../src/store/schema.js";
import { SqliteRequestLog } from "../../../src/store/sqlite-request-log.js";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "gemini-rotator-migration-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

test("a schema-1 database keeps its request log and gains client tokens", () => {
  const path = join(folder, "state.db");
  const old = new DatabaseSync(path);
  old.exec(MIGRATIONS[0] ?? "");
  old.exec("PRAGMA user_version = 1");
  old
    .prepare(
      `INSERT INTO request_log (time, request_id, route, protocol, model, key_id, status, attempts, first_byte_ms,
       total_ms, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, error)
       VALUES (1, 'old', '/v1/chat/completions', 'openai-chat', 'gemini-2.5-flash', 'key-1', 200, 1, 10, 20, 3, 4, 0, 0, NULL)`,
    )
    .run();
  old.close();

  const database = openDatabase(path, createLogger({ level: "error" }));
  try {
    expect(database.prepare("PRAGMA user_version").get()?.user_version).toBe(MIGRATIONS.length);
    const log = new SqliteRequestLog(database, 100);
    log.append([
      {
        time: 2,
        requestId: "new",
        route: "/v1/chat/completions",
        protocol: "openai-chat",
        model: "gemini-2.5-flash",
        keyId: "key-1",
        status: 200,
        attempts: 1,
        firstByteMs: 10,
        totalMs: 20,
        tokens: { prompt: 1, completion: 1, reasoning: 0, cached: 0 },
        error: null,
        clientToken: "alice",
      },
    ]);
    const rows = log.page({ limit: 10 }).rows;
    expect(rows.map((row) => [row.requestId, row.clientToken])).toEqual([
      ["new", "alice"],
      ["old", null],
    ]);
    expect(log.page({ limit: 10, clientToken: "alice" }).rows).toHaveLength(1);
    const tables = database
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(["client_tokens", "usage_daily_clients"]));
  } finally {
    database.close();
  }
});

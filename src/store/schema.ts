/**
 * The gateway's database: one SQLite file holding key state, usage history, the request log and stored
 * OpenAI Responses (src/store/sqlite-response-store.ts).
 * Each entry of `MIGRATIONS` brings the schema one version further (`PRAGMA user_version` says how far
 * a file is); a released entry is never edited, a change is a new entry.
 *
 * Usage history is kept three ways, because the console asks three kinds of question and each must stay
 * cheap at 5,000 keys (bench/storage.mjs measured a single table answering "today, per key" in seconds):
 * - `usage_hourly`: per hour, key and model, for one key's history and "by key" charts;
 * - `usage_hourly_models`: per hour and model, the whole pool, for the usage charts;
 * - `usage_daily_keys`: per Pacific day (the day Gemini's daily quotas count against) and key, for the
 *   pool page's "today".
 */
export const COUNTER_COLUMNS = [
  "requests",
  "prompt_tokens",
  "completion_tokens",
  "reasoning_tokens",
  "cached_tokens",
  "rate_limited",
  "quota",
  "invalid",
  "server",
  "timeout",
] as const;

const counters = COUNTER_COLUMNS.map((column) => `${column} INTEGER NOT NULL DEFAULT 0`).join(", ");

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE key_memory (key_id TEXT PRIMARY KEY, memory TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE thought_signatures (
    tool_call_id TEXT PRIMARY KEY, signature TEXT NOT NULL, saved_at INTEGER NOT NULL
  );
  CREATE INDEX thought_signatures_by_age ON thought_signatures (saved_at);

  CREATE TABLE usage_hourly (
    hour INTEGER NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL, ${counters},
    PRIMARY KEY (hour, key_id, model)
  ) WITHOUT ROWID;
  CREATE INDEX usage_hourly_by_key ON usage_hourly (key_id, hour);
  CREATE TABLE usage_hourly_models (
    hour INTEGER NOT NULL, model TEXT NOT NULL, ${counters}, PRIMARY KEY (hour, model)
  ) WITHOUT ROWID;
  CREATE TABLE usage_daily_keys (
    day TEXT NOT NULL, key_id TEXT NOT NULL, ${counters}, PRIMARY KEY (day, key_id)
  ) WITHOUT ROWID;
  CREATE TABLE availability (
    minute INTEGER PRIMARY KEY, available INTEGER NOT NULL, total INTEGER NOT NULL
  );

  CREATE TABLE request_log (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    request_id TEXT,
    route TEXT NOT NULL,
    protocol TEXT NOT NULL,
    model TEXT,
    key_id TEXT,
    status INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    first_byte_ms INTEGER,
    total_ms INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    error TEXT
  );
  CREATE INDEX request_log_by_time ON request_log (time);
  CREATE INDEX request_log_by_key ON request_log (key_id, id);
  `,
  // Stored Responses (`store: true`), so `previous_response_id` and `GET /v1/responses/{id}` find them.
  `
  CREATE TABLE responses (
    id TEXT PRIMARY KEY, saved_at INTEGER NOT NULL, bytes INTEGER NOT NULL, value TEXT NOT NULL
  );
  CREATE INDEX responses_by_age ON responses (saved_at);
  `,
  // Client tokens (named, with limits): the tokens created through /admin (their secrets only as hashes),
  // each logged request's token by name, and what each token spent per Pacific day and model.
  `
  ALTER TABLE request_log ADD COLUMN client_token TEXT;
  CREATE INDEX request_log_by_client_token ON request_log (client_token, id);
  CREATE TABLE client_tokens (name TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE usage_daily_clients (
    day TEXT NOT NULL, client_token TEXT NOT NULL, model TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0, cached_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, client_token, model)
  ) WITHOUT ROWID;
  `,
];

/**
 * Adds one row's counters to what a row already holds (`excluded` is the row being inserted), for
 * `INSERT … ON CONFLICT DO UPDATE SET` of each history table.
 */
export const ADD_COUNTERS = COUNTER_COLUMNS.map(
  (column) => `${column} = ${column} + excluded.${column}`,
).join(", ");

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

export const UPSERT_USAGE_HOURLY = `INSERT INTO usage_hourly (hour, key_id, model, ${COUNTER_COLUMNS.join(", ")})
  VALUES (${placeholders(3 + COUNTER_COLUMNS.length)})
  ON CONFLICT (hour, key_id, model) DO UPDATE SET ${ADD_COUNTERS}`;
export const UPSERT_USAGE_HOURLY_MODELS = `INSERT INTO usage_hourly_models (hour, model, ${COUNTER_COLUMNS.join(", ")})
  VALUES (${placeholders(2 + COUNTER_COLUMNS.length)})
  ON CONFLICT (hour, model) DO UPDATE SET ${ADD_COUNTERS}`;
export const UPSERT_USAGE_DAILY_KEYS = `INSERT INTO usage_daily_keys (day, key_id, ${COUNTER_COLUMNS.join(", ")})
  VALUES (${placeholders(2 + COUNTER_COLUMNS.length)})
  ON CONFLICT (day, key_id) DO UPDATE SET ${ADD_COUNTERS}`;

export const REQUEST_LOG_COLUMNS = [
  "time",
  "request_id",
  "route",
  "protocol",
  "model",
  "key_id",
  "status",
  "attempts",
  "first_byte_ms",
  "total_ms",
  "prompt_tokens",
  "completion_tokens",
  "reasoning_tokens",
  "cached_tokens",
  "error",
  "client_token",
] as const;

export const INSERT_REQUEST_LOG = `INSERT INTO request_log (${REQUEST_LOG_COLUMNS.join(", ")})
  VALUES (${placeholders(REQUEST_LOG_COLUMNS.length)})`;

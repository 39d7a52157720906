/**
 * The storage benchmark behind the choice of SQLite driver: `node:sqlite` (built into Node 22.13+, no
 * native addon) against `better-sqlite3` (a native addon), on the gateway's own schema and the work the
 * gateway gives its database: the flush of one second of traffic (request-log rows and usage-history
 * upserts in one transaction), a snapshot of every key's state, and the reads the console makes at
 * 5,000 keys (today's totals per key, a week of history by model or for one key, request-log pages with
 * filters, pruning).
 *
 * It runs the gateway's own schema and statements (dist/store/schema.js: build first).
 * better-sqlite3 is not a dependency of the gateway; install it next to the project without saving it:
 *   npm install --no-save better-sqlite3 && node bench/storage.mjs
 * Without it only node:sqlite is measured.
 *
 * Options: --keys 5000 --models 2 --hours 168 --log-rows 100000 --rounds 30 --rate 2000 --json
 * Each workload runs `rounds` times on each driver, the drivers taking turns; the table shows the median
 * CPU time (the steadiest figure on a shared machine) and the median wall time.
 * Writes bench/results/storage-<date>.json and prints a table.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rounded, summarize } from "./lib/stats.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const argumentsList = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argumentsList.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(argumentsList[index + 1]);
};
const settings = {
  keys: option("keys", 5000),
  models: option("models", 2),
  hours: option("hours", 168),
  logRows: option("log-rows", 100_000),
  rounds: option("rounds", 30),
  /** One second of traffic at this rate is one flush. */
  requestsPerSecond: option("rate", 2000),
};
const asJson = argumentsList.includes("--json");

const distFolder = join(here, "..", "dist");
const schema = await import(pathToFileURL(join(distFolder, "store", "schema.js")).href).catch(() => {
  process.stderr.write("dist/ is missing: run npm run build first\n");
  process.exit(1);
});

/** Both drivers behind the three calls the gateway uses: exec, prepare(...).run/all, close. */
async function loadDrivers() {
  const drivers = [];
  const { DatabaseSync } = await import("node:sqlite");
  drivers.push({
    name: "node:sqlite",
    open: (path) => {
      const database = new DatabaseSync(path);
      return {
        exec: (sql) => database.exec(sql),
        prepare: (sql) => database.prepare(sql),
        close: () => database.close(),
      };
    },
  });
  try {
    const require = createRequire(join(here, "..", "package.json"));
    const BetterSqlite = require("better-sqlite3");
    drivers.push({
      name: "better-sqlite3",
      open: (path) => {
        const database = new BetterSqlite(path);
        return {
          exec: (sql) => database.exec(sql),
          prepare: (sql) => database.prepare(sql),
          close: () => database.close(),
        };
      },
    });
  } catch {
    process.stderr.write("better-sqlite3 is not installed: measuring node:sqlite only\n");
  }
  return drivers;
}

const MODELS = ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-3-pro-preview", "gemini-2.0-flash"];
const keyIdAt = (index) => `key-${index.toString(16).padStart(10, "0")}`;
const NOW_HOUR = Math.floor(Date.UTC(2026, 10, 30, 12) / 3_600_000);

const PACIFIC_DAY = "2026-11-30";

/** One attempt's counters: requests, prompt, completion, reasoning, cached, then the failure kinds. */
function counters(keyIndex, requests) {
  return [
    requests,
    requests * 1200,
    requests * 300,
    requests * 150,
    requests * 100,
    keyIndex % 7 === 0 ? 1 : 0,
    0,
    0,
    keyIndex % 50 === 0 ? 1 : 0,
    0,
  ];
}

function logValues(index, time) {
  const failed = index % 20 === 0;
  return [
    time,
    `req-${index}`,
    "/v1/chat/completions",
    "openai-chat",
    MODELS[index % settings.models],
    keyIdAt(index % settings.keys),
    failed ? 429 : 200,
    failed ? 3 : 1,
    120 + (index % 400),
    900 + (index % 4000),
    1200,
    300,
    150,
    100,
    failed ? "Rate limit reached: all Gemini keys are rate limited for gemini-2.5-flash" : null,
  ];
}

/** Seeds in SQL (a busy pool: every key used for every model every hour), which is quick with either driver. */
function seed(database) {
  const sequence = (name, count) =>
    `${name}(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM ${name} WHERE n + 1 < ${count})`;
  const keyId = "'key-' || printf('%010x', keys.n)";
  const model = `CASE models.n ${MODELS.map((name, index) => `WHEN ${index} THEN '${name}'`).join(" ")} END`;
  const seeded = `3, 3600, 900, 450, 300, CASE WHEN keys.n % 7 = 0 THEN 1 ELSE 0 END, 0, 0, CASE WHEN keys.n % 50 = 0 THEN 1 ELSE 0 END, 0`;
  database.exec(`WITH RECURSIVE ${sequence("hours", settings.hours)}, ${sequence("keys", settings.keys)}, ${sequence("models", settings.models)}
    INSERT INTO usage_hourly SELECT ${NOW_HOUR - settings.hours + 1} + hours.n, ${keyId}, ${model}, ${seeded}
    FROM hours, keys, models`);
  database.exec(`WITH RECURSIVE ${sequence("hours", settings.hours)}, ${sequence("models", settings.models)}
    INSERT INTO usage_hourly_models SELECT ${NOW_HOUR - settings.hours + 1} + hours.n, ${model},
    ${settings.keys} * 3, ${settings.keys} * 3600, ${settings.keys} * 900, ${settings.keys} * 450, ${settings.keys} * 300, 700, 0, 0, 100, 0
    FROM hours, models`);
  database.exec(`WITH RECURSIVE ${sequence("days", Math.ceil(settings.hours / 24))}, ${sequence("keys", settings.keys)}
    INSERT INTO usage_daily_keys SELECT date('${PACIFIC_DAY}', '-' || days.n || ' days'), ${keyId},
    72, 86400, 21600, 10800, 7200, 24, 0, 0, 1, 0 FROM days, keys`);
  const start = NOW_HOUR * 3_600_000 - settings.logRows * 10;
  database.exec(`WITH RECURSIVE ${sequence("rows", settings.logRows)}
    INSERT INTO request_log (${schema.REQUEST_LOG_COLUMNS.join(", ")})
    SELECT ${start} + rows.n * 10, 'req-' || rows.n, '/v1/chat/completions', 'openai-chat',
      CASE rows.n % ${settings.models} ${MODELS.map((name, index) => `WHEN ${index} THEN '${name}'`).join(" ")} END,
      'key-' || printf('%010x', rows.n % ${settings.keys}),
      CASE WHEN rows.n % 20 = 0 THEN 429 ELSE 200 END, CASE WHEN rows.n % 20 = 0 THEN 3 ELSE 1 END,
      120 + rows.n % 400, 900 + rows.n % 4000, 1200, 300, 150, 100,
      CASE WHEN rows.n % 20 = 0 THEN 'Rate limit reached: all Gemini keys are rate limited' END
    FROM rows`);
}

function inTransaction(database, work) {
  database.exec("BEGIN");
  try {
    work();
    database.exec("COMMIT");
  } catch (error) {
    database.exec("ROLLBACK");
    throw error;
  }
}

/** Wall time and this process's CPU time (steadier when other work shares the machine). */
function time(work) {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = work();
  const cpu = process.cpuUsage(cpuBefore);
  return { ms: performance.now() - startedAt, cpuMs: (cpu.user + cpu.system) / 1000, result };
}

/** Opens and seeds one database, and answers the workloads to time on it. */
function prepareDriver(driver, folder) {
  const path = join(folder, `${driver.name.replace(/\W/g, "-")}.db`);
  const opened = time(() => driver.open(path));
  const database = opened.result;
  for (const migration of schema.MIGRATIONS) database.exec(migration);
  database.exec("PRAGMA journal_mode = WAL");
  database.exec("PRAGMA synchronous = NORMAL");
  const seeded = time(() => seed(database));
  const upsertHourly = database.prepare(schema.UPSERT_USAGE_HOURLY);
  const upsertModels = database.prepare(schema.UPSERT_USAGE_HOURLY_MODELS);
  const upsertDaily = database.prepare(schema.UPSERT_USAGE_DAILY_KEYS);
  const insertLog = database.prepare(schema.INSERT_REQUEST_LOG);
  const pruneLog = database.prepare("DELETE FROM request_log WHERE id <= ?");
  const memory = JSON.stringify({
    failureCount: 0,
    cooldowns: {
      "gemini-2.5-pro": { until: 1_790_000_000_000, reason: "daily quota spent", kind: "quota_exhausted" },
    },
    unspecifiedRateLimits: {},
    lastUsed: 1_790_000_000_000,
    lastError: "daily quota spent (GenerateRequestsPerDayPerProjectPerModel-FreeTier)",
    usage: { day: "2026-11-30", requests: 120, promptTokens: 1_000_000, completionTokens: 200_000 },
  });
  const saveMemory = database.prepare(
    "INSERT INTO key_memory (key_id, memory) VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET memory = excluded.memory",
  );
  const loadMemory = database.prepare("SELECT key_id, memory FROM key_memory");
  const today = database.prepare(
    `SELECT key_id, ${schema.COUNTER_COLUMNS.join(", ")} FROM usage_daily_keys WHERE day = ?`,
  );
  const byModel = database.prepare(
    `SELECT hour, model, requests, prompt_tokens, completion_tokens FROM usage_hourly_models
     WHERE hour >= ? AND hour <= ? ORDER BY hour`,
  );
  const byKey = database.prepare(
    `SELECT key_id, SUM(requests) AS requests, SUM(prompt_tokens) AS prompt FROM usage_hourly
     WHERE hour >= ? AND hour <= ? GROUP BY key_id`,
  );
  const oneKey = database.prepare(
    `SELECT hour, model, requests, prompt_tokens, completion_tokens FROM usage_hourly
     WHERE key_id = ? AND hour >= ? AND hour <= ? ORDER BY hour`,
  );
  const newest = database.prepare("SELECT * FROM request_log ORDER BY id DESC LIMIT 100");
  const failedPage = database.prepare(
    "SELECT * FROM request_log WHERE status >= 400 AND id < ? ORDER BY id DESC LIMIT 100",
  );
  const keyPage = database.prepare("SELECT * FROM request_log WHERE key_id = ? ORDER BY id DESC LIMIT 100");
  const rareFilter = database.prepare(
    "SELECT * FROM request_log WHERE model = ? AND status = 500 ORDER BY id DESC LIMIT 100",
  );
  const pruneHistorySlice = database.prepare(
    `DELETE FROM usage_hourly WHERE (hour, key_id, model) IN
     (SELECT hour, key_id, model FROM usage_hourly WHERE hour < ? LIMIT 1000)`,
  );
  let logIndex = settings.logRows;
  let pruneHour = NOW_HOUR - settings.hours + 1;

  const workloads = {
    // One flush: a second of traffic, each request a log row and an attempt of a distinct key added to
    // each history table; the log is kept at its limit by deleting as many old rows as were added.
    flushOneSecond: () =>
      inTransaction(database, () => {
        for (let request = 0; request < settings.requestsPerSecond; request++) {
          const keyIndex = logIndex % settings.keys;
          const model = MODELS[logIndex % settings.models];
          const values = counters(keyIndex, 1);
          insertLog.run(...logValues(logIndex, NOW_HOUR * 3_600_000 + logIndex));
          upsertHourly.run(NOW_HOUR, keyIdAt(keyIndex), model, ...values);
          upsertModels.run(NOW_HOUR, model, ...values);
          upsertDaily.run(PACIFIC_DAY, keyIdAt(keyIndex), ...values);
          logIndex += 1;
        }
        pruneLog.run(logIndex - settings.logRows);
      }),
    saveEveryKeyState: () =>
      inTransaction(database, () => {
        for (let keyIndex = 0; keyIndex < settings.keys; keyIndex++)
          saveMemory.run(keyIdAt(keyIndex), memory);
      }),
    loadEveryKeyState: () => loadMemory.all().length,
    todayPerKey: () => today.all(PACIFIC_DAY).length,
    dayByModelHourly: () => byModel.all(NOW_HOUR - 23, NOW_HOUR).length,
    weekByModelHourly: () => byModel.all(NOW_HOUR - settings.hours + 1, NOW_HOUR).length,
    dayByKey: () => byKey.all(NOW_HOUR - 23, NOW_HOUR).length,
    weekOneKey: () => oneKey.all(keyIdAt(42), NOW_HOUR - settings.hours + 1, NOW_HOUR).length,
    logNewestPage: () => newest.all().length,
    logFailedPageWithCursor: () => failedPage.all(logIndex - 5000).length,
    logOneKeyPage: () => keyPage.all(keyIdAt(42)).length,
    logRareFilterFullScan: () => rareFilter.all(MODELS[0]).length,
    // Expired history goes a slice at a time, so that no prune holds the event loop for long.
    pruneHistorySlice: () => {
      const deleted = Number(pruneHistorySlice.run(pruneHour).changes);
      if (deleted === 0) pruneHour += 1;
      return deleted;
    },
  };
  return {
    workloads,
    openMs: opened.ms,
    seedSeconds: seeded.ms / 1000,
    close() {
      database.close();
      return statSync(path).size;
    },
  };
}

const drivers = await loadDrivers();
const results = { settings, node: process.version, date: new Date().toISOString(), drivers: {} };
const folder = mkdtempSync(join(tmpdir(), "gr-storage-bench-"));
try {
  const prepared = drivers.map((driver) => {
    process.stderr.write(`seeding ${driver.name}…\n`);
    return { driver, ...prepareDriver(driver, folder) };
  });
  const samples = new Map(prepared.map(({ driver }) => [driver.name, {}]));
  // Rounds alternate between the drivers, so that a change of load on the machine hits both alike.
  for (const workload of Object.keys(prepared[0].workloads)) {
    process.stderr.write(`${workload}…\n`);
    for (let round = 0; round < settings.rounds; round++) {
      for (const { driver, workloads } of round % 2 === 0 ? prepared : [...prepared].reverse()) {
        const timed = time(workloads[workload]);
        const figures = samples.get(driver.name);
        figures[workload] ??= { wall: [], cpu: [] };
        figures[workload].wall.push(timed.ms);
        figures[workload].cpu.push(timed.cpuMs);
      }
    }
  }
  for (const entry of prepared) {
    const figures = {};
    for (const [workload, { wall, cpu }] of Object.entries(samples.get(entry.driver.name))) {
      figures[workload] = { cpuMs: rounded(summarize(cpu), 3), wallMs: rounded(summarize(wall), 3) };
    }
    figures.openMs = Number(entry.openMs.toFixed(2));
    figures.seedSeconds = Number(entry.seedSeconds.toFixed(2));
    figures.fileMegabytes = Number((entry.close() / 1024 / 1024).toFixed(1));
    results.drivers[entry.driver.name] = figures;
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

mkdirSync(join(here, "results"), { recursive: true });
const resultPath = join(here, "results", `storage-${results.date.slice(0, 10)}.json`);
writeFileSync(resultPath, `${JSON.stringify(results, null, 2)}\n`);

if (asJson) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const names = Object.keys(results.drivers);
  const first = results.drivers[names[0]];
  const rows = Object.keys(first).map((figure) => [
    figure,
    ...names.map((name) => {
      const value = results.drivers[name][figure];
      return typeof value === "object"
        ? `${value.cpuMs.p50} ms cpu, ${value.wallMs.p50} ms wall (p90 ${value.wallMs.p90})`
        : String(value);
    }),
  ]);
  const widths = [0, ...names.map((_, index) => index + 1)].map((column) =>
    Math.max(...[["figure", ...names], ...rows].map((row) => String(row[column]).length)),
  );
  const line = (row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join("  ");
  process.stdout.write(`${line(["figure", ...names])}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  process.stdout.write(
    `\n${settings.keys} keys, ${settings.models} models, ${settings.hours} h of history, ${settings.logRows} log rows; one flush = ${settings.requestsPerSecond} requests\nraw figures: ${resultPath}\n`,
  );
}

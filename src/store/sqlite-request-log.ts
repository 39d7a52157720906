import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { inTransaction } from "./open-database.js";
import type { RequestLogEntry, RequestLogPage, RequestLogQuery, RequestLogRow } from "./request-log.js";
import { INSERT_REQUEST_LOG } from "./schema.js";

type Row = Record<string, unknown>;

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const stringOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

/**
 * The request log in the embedded database, newest first, kept to its last `maxRows` rows. Each replica
 * keeps its own (it logs what it served).
 */
export class SqliteRequestLog {
  private readonly insert: StatementSync;
  private readonly trim: StatementSync;

  constructor(
    private readonly database: DatabaseSync,
    private readonly maxRows: number,
  ) {
    this.insert = database.prepare(INSERT_REQUEST_LOG);
    this.trim = database.prepare("DELETE FROM request_log WHERE id <= (SELECT MAX(id) FROM request_log) - ?");
  }

  /** Appends the rows and drops as many of the oldest as go beyond the limit; answers their ids. */
  append(entries: readonly RequestLogEntry[]): number[] {
    if (entries.length === 0) return [];
    return inTransaction(this.database, () => {
      const ids = entries.map((entry) =>
        Number(
          this.insert.run(
            entry.time,
            entry.requestId,
            entry.route,
            entry.protocol,
            entry.model,
            entry.keyId,
            entry.status,
            entry.attempts,
            entry.firstByteMs,
            entry.totalMs,
            entry.tokens.prompt,
            entry.tokens.completion,
            entry.tokens.reasoning,
            entry.tokens.cached,
            entry.error,
            entry.clientToken ?? null,
          ).lastInsertRowid,
        ),
      );
      this.trim.run(this.maxRows);
      return ids;
    });
  }

  page(query: RequestLogQuery): RequestLogPage {
    const conditions: string[] = [];
    const parameters: SQLInputValue[] = [];
    const where = (condition: string, ...values: SQLInputValue[]) => {
      conditions.push(condition);
      parameters.push(...values);
    };
    if (query.before !== undefined) where("id < ?", query.before);
    if (query.from !== undefined) where("time >= ?", query.from);
    if (query.to !== undefined) where("time <= ?", query.to);
    if (query.model !== undefined) where("model = ?", query.model);
    if (query.keyId !== undefined) where("key_id = ?", query.keyId);
    if (query.clientToken !== undefined) where("client_token = ?", query.clientToken);
    if (query.route !== undefined) where("route = ?", query.route);
    if (query.protocol !== undefined) where("protocol = ?", query.protocol);
    if (query.statuses && query.statuses.length > 0) {
      const alternatives = query.statuses.map((status) => {
        if ("exact" in status) {
          parameters.push(status.exact);
          return "status = ?";
        }
        parameters.push(status.from, status.to);
        return "status BETWEEN ? AND ?";
      });
      conditions.push(`(${alternatives.join(" OR ")})`);
    }
    const rows = this.database
      .prepare(
        `SELECT * FROM request_log ${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""}
         ORDER BY id DESC LIMIT ?`,
      )
      .all(...parameters, query.limit + 1) as Row[];
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map(rowOf);
    return { rows: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
  }
}

function rowOf(row: Row): RequestLogRow {
  return {
    id: Number(row.id),
    time: Number(row.time),
    requestId: stringOrNull(row.request_id),
    route: String(row.route),
    protocol: String(row.protocol),
    model: stringOrNull(row.model),
    keyId: stringOrNull(row.key_id),
    status: Number(row.status),
    attempts: Number(row.attempts),
    firstByteMs: numberOrNull(row.first_byte_ms),
    totalMs: Number(row.total_ms),
    tokens: {
      prompt: Number(row.prompt_tokens),
      completion: Number(row.completion_tokens),
      reasoning: Number(row.reasoning_tokens),
      cached: Number(row.cached_tokens),
    },
    error: stringOrNull(row.error),
    clientToken: stringOrNull(row.client_token),
  };
}

import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { inTransaction } from "../store/open-database.js";
import {
  CLIENT_COUNTER_COLUMNS,
  type ClientUsageEntry,
  type ClientUsageQuery,
  type ClientUsageStore,
} from "./client-usage-store.js";

const COLUMNS = CLIENT_COUNTER_COLUMNS.map(([, column]) => column);
const UPSERT = `INSERT INTO usage_daily_clients (day, client_token, model, ${COLUMNS.join(", ")})
  VALUES (?, ?, ?, ${COLUMNS.map(() => "?").join(", ")})
  ON CONFLICT (day, client_token, model) DO UPDATE SET ${COLUMNS.map((column) => `${column} = ${column} + excluded.${column}`).join(", ")}`;

/** Client-token usage in the embedded database's `usage_daily_clients` table. */
export class SqliteClientUsageStore implements ClientUsageStore {
  constructor(private readonly database: DatabaseSync) {}

  async add(entries: readonly ClientUsageEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const upsert = this.database.prepare(UPSERT);
    inTransaction(this.database, () => {
      for (const entry of entries) {
        upsert.run(
          entry.day,
          entry.token,
          entry.model,
          ...CLIENT_COUNTER_COLUMNS.map(([field]) => entry.counters[field]),
        );
      }
    });
  }

  async query(query: ClientUsageQuery): Promise<ClientUsageEntry[]> {
    const parameters: SQLInputValue[] = [query.fromDay, query.toDay];
    let condition = "day >= ? AND day <= ?";
    if (query.token !== undefined) {
      condition += " AND client_token = ?";
      parameters.push(query.token);
    }
    const rows = this.database
      .prepare(
        `SELECT day, client_token, model, ${COLUMNS.join(", ")} FROM usage_daily_clients
         WHERE ${condition} ORDER BY day, client_token, model`,
      )
      .all(...parameters);
    return rows.map((row) => ({
      day: String(row.day),
      token: String(row.client_token),
      model: String(row.model),
      counters: {
        requests: Number(row.requests),
        refused: Number(row.refused),
        promptTokens: Number(row.prompt_tokens),
        completionTokens: Number(row.completion_tokens),
        reasoningTokens: Number(row.reasoning_tokens),
        cachedTokens: Number(row.cached_tokens),
      },
    }));
  }

  async prune(day: string): Promise<void> {
    this.database.prepare("DELETE FROM usage_daily_clients WHERE day < ?").run(day);
  }
}

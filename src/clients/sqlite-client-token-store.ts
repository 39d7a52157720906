import type { DatabaseSync } from "node:sqlite";
import type { ClientToken } from "./client-token.js";
import { type ClientTokenStore, parseStoredToken, serializeToken } from "./client-token-store.js";

/** Tokens in the embedded database's `client_tokens` table (one JSON record per name). */
export class SqliteClientTokenStore implements ClientTokenStore {
  constructor(private readonly database: DatabaseSync) {}

  async load(): Promise<ClientToken[]> {
    const rows = this.database.prepare("SELECT record FROM client_tokens").all();
    return rows.flatMap((row) => {
      const token = parseStoredToken(String(row.record));
      return token ? [token] : [];
    });
  }

  async save(token: ClientToken): Promise<void> {
    this.database
      .prepare(
        "INSERT INTO client_tokens (name, record) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET record = excluded.record",
      )
      .run(token.name, serializeToken(token));
  }

  async remove(name: string): Promise<void> {
    this.database.prepare("DELETE FROM client_tokens WHERE name = ?").run(name);
  }

  async watch(): Promise<void> {}

  async close(): Promise<void> {}
}

/** What one client token did with one model on one Pacific day. */
export interface ClientCounters {
  /** Requests that reached the key pool (admitted). */
  requests: number;
  /** Requests refused before any key was spent: over a limit, or a model the token may not use. */
  refused: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
}

export interface ClientUsageEntry {
  /** The Pacific day, `YYYY-MM-DD`. */
  day: string;
  /** The token's name. */
  token: string;
  model: string;
  counters: ClientCounters;
}

export interface ClientUsageQuery {
  /** Pacific days, inclusive. */
  fromDay: string;
  toDay: string;
  token?: string;
}

/** The counter columns, in the order of the database's columns. */
export const CLIENT_COUNTER_COLUMNS = [
  ["requests", "requests"],
  ["refused", "refused"],
  ["promptTokens", "prompt_tokens"],
  ["completionTokens", "completion_tokens"],
  ["reasoningTokens", "reasoning_tokens"],
  ["cachedTokens", "cached_tokens"],
] as const satisfies ReadonlyArray<readonly [keyof ClientCounters, string]>;

export function emptyClientCounters(): ClientCounters {
  return {
    requests: 0,
    refused: 0,
    promptTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    cachedTokens: 0,
  };
}

export function addClientCounters(target: ClientCounters, delta: ClientCounters): void {
  for (const [field] of CLIENT_COUNTER_COLUMNS) target[field] += delta[field];
}

/**
 * Where each client token's usage is kept per Pacific day and model: the embedded database, or Redis
 * when replicas share it. Writes come in batches (never from a request), reads from the admin routes.
 */
export interface ClientUsageStore {
  add(entries: readonly ClientUsageEntry[]): Promise<void>;
  query(query: ClientUsageQuery): Promise<ClientUsageEntry[]>;
  /** Forgets the days before `day`. */
  prune(day: string): Promise<void>;
}

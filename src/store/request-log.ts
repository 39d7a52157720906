/** One finished client request, as the request log keeps it: facts only, never a prompt or an answer. */
export interface RequestLogEntry {
  /** Epoch milliseconds when the request arrived. */
  time: number;
  requestId: string | null;
  /** The route's pattern (`/v1/chat/completions`), never the raw path. */
  route: string;
  /** The client protocol the route speaks (see client-protocol.ts). */
  protocol: string;
  model: string | null;
  /** The key that served it (the last one tried), by id. */
  keyId: string | null;
  status: number;
  attempts: number;
  /** Time until the upstream started answering (a stream's first event), from the request's arrival. */
  firstByteMs: number | null;
  totalMs: number;
  tokens: { prompt: number; completion: number; reasoning: number; cached: number };
  /** What went wrong, with every secret removed; null when nothing did. */
  error: string | null;
  /** The name of the client token the request came with; null for ACCESS_TOKEN or an open gateway. */
  clientToken?: string | null;
}

export interface RequestLogRow extends RequestLogEntry {
  id: number;
  clientToken: string | null;
}

/** A status filter: one code (`429`) or a class (`4xx`). */
export type StatusFilter = { exact: number } | { from: number; to: number };

export interface RequestLogQuery {
  from?: number;
  to?: number;
  statuses?: readonly StatusFilter[];
  model?: string;
  keyId?: string;
  clientToken?: string;
  route?: string;
  protocol?: string;
  limit: number;
  /** Rows older than this id (the previous page's `nextCursor`). */
  before?: number;
}

export interface RequestLogPage {
  rows: RequestLogRow[];
  /** The cursor of the next (older) page; null on the last one. */
  nextCursor: number | null;
}

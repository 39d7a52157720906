/**
 * One request being answered, and the state the routes share. Kept apart from server.ts so routes depend
 * on these shapes only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ModelCatalog } from "./catalog.js";
import type { RateLimiter } from "./rate-limits.js";
import type { ScriptBook } from "./scripts.js";
import type { ThoughtSignatures } from "./signatures.js";
import type { FakeAction, RecordedRequest } from "./types.js";

/**
 * How errors (and successes) are written: plain Google JSON; an `alt=sse` stream, whose early errors are
 * plain JSON under `Content-Type: text/event-stream`; the JSON-array stream and Google's OpenAI layer,
 * whose errors are wrapped in an array (reference §3, §8).
 */
export type ResponseStyle = "json" | "sse" | "json-array" | "openai";

export interface RouteMatch {
  action: FakeAction;
  /** Google serves the same methods under both; errors name the version. */
  apiVersion: "v1" | "v1beta";
  /** From the path; the compat routes name their model in the body instead. */
  model: string | undefined;
  style: ResponseStyle;
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly route: RouteMatch;
  /** Mutable: the status is filled in when the head goes out. */
  readonly record: RecordedRequest;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly body: ParsedBody;
  readonly startedAt: number;
  /** Set by a `brokenBody` reply: the JSON answer's body stops after this many bytes. */
  cutBodyAfterBytes?: number;
}

export interface FakeContext {
  readonly catalog: ModelCatalog;
  readonly scripts: ScriptBook;
  readonly signatures: ThoughtSignatures;
  readonly rateLimits: RateLimiter;
  readonly defaultPageSize: number;
  readonly now: () => number;
  /** Aborted by `close()`, so paced streams and delays stop at once. */
  readonly lifetime: AbortSignal;
}

export type RouteHandler = (exchange: Exchange, context: FakeContext) => Promise<void>;

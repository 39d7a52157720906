/**
 * The public types of the fake Gemini server: its options, its handle, what it records, and the replies a
 * test can script. See README.md in this folder for examples.
 */
import type { IncomingHttpHeaders } from "node:http";
import type {
  GeminiFinishReason,
  GeminiGenerateContentResponse,
  GeminiThinkingLevel,
  GeminiUsageMetadata,
} from "../../src/gemini/wire-types.js";

/** What a request asked for, named after the Gemini method (or the compat-layer route). */
export type FakeAction =
  | "generateContent"
  | "streamGenerateContent"
  | "countTokens"
  | "embedContent"
  | "batchEmbedContents"
  | "listModels"
  | "getModel"
  | "openai.chatCompletions"
  | "openai.embeddings"
  | "openai.listModels"
  | "openai.getModel";

/** Where the API key of a request came from. */
export type KeySource = "x-goog-api-key" | "query" | "bearer";

export interface RecordedRequest {
  method: string;
  /** The path without the query, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`. */
  path: string;
  action: FakeAction;
  /** The model id without `models/`, when the route names one (path or compat body). */
  model: string | undefined;
  /** Every query parameter, `key` included, so a test can assert that a key never travelled in the URL. */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  key: string | undefined;
  keySource: KeySource | undefined;
  /** The parsed JSON body; `undefined` for an empty or unparseable body (see `rawBody`). */
  body: unknown;
  rawBody: string;
  /** `Date.now()` when the request arrived. */
  time: number;
  /** The HTTP status the fake answered with; `undefined` until the head is sent (or when it never is). */
  status: number | undefined;
}

export interface FakeFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  /** Gemini API responses carry no call id; set one only to imitate a backend that does. */
  id?: string;
}

interface StreamShape {
  /** Pause between streamed chunks, in milliseconds. Default 0. */
  paceMs?: number;
  /**
   * Awaited before each chunk after the first (its index): a test steps the stream itself, so what it
   * checks between chunks does not depend on timing (`streamSteps()`). Works in-process only.
   */
  gate?: (index: number) => Promise<void>;
  /** SSE event delimiter: Google sends `\r\n\r\n` ("crlf", the default); "lf" sends `\n\n`. */
  framing?: "crlf" | "lf";
}

/** A successful text answer. */
export interface TextReply extends StreamShape {
  kind: "text";
  /** The answer; an array gives the exact streamed pieces (joined for a non-streaming call). */
  text: string | string[];
  /** A thought summary, sent as a `thought: true` part before the text when the request asks for thoughts. */
  thoughts?: string;
  /**
   * The signature to attach (see the placement rules in README.md). Default: on Gemini 3 one is issued
   * automatically; `false` sends none.
   */
  thoughtSignature?: string | false;
  finishReason?: GeminiFinishReason;
  finishMessage?: string;
  /** Overrides for the computed usage; `totalTokenCount` is recomputed unless given. */
  usage?: Partial<GeminiUsageMetadata>;
}

/** A successful answer that calls functions (all in one step, i.e. parallel calls). */
export interface FunctionCallsReply extends StreamShape {
  kind: "functionCalls";
  calls: FakeFunctionCall[];
  /** Optional text the model says before the calls. */
  text?: string;
  /** Signature of the first call. Default: issued automatically when the model thinks; `false` sends none. */
  thoughtSignature?: string | false;
  usage?: Partial<GeminiUsageMetadata>;
}

/** A chunk streamed exactly as given (unknown fields allowed, as Google adds them). */
export type FakeChunk = GeminiGenerateContentResponse & Record<string, unknown>;

/** Raw chunks, streamed as-is; a non-streaming call gets them merged into one response. */
export interface ChunksReply extends StreamShape {
  kind: "chunks";
  chunks: FakeChunk[];
}

/** A successful reply that carries content. */
export type ContentReply = TextReply | FunctionCallsReply | ChunksReply;

/** An HTTP error answered before any byte of content. `body` is JSON-encoded unless it is a string. */
export interface ErrorReply {
  kind: "error";
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * `afterChunks` chunks of a successful stream, then an error inside the 200 body: either a
 * `data: {"error":…}` event ("sse-event", the default) or Google's bare pretty-printed JSON ("bare-json").
 * A non-streaming call gets the error as a plain HTTP error instead.
 */
export interface MidStreamErrorReply {
  kind: "midStreamError";
  afterChunks: number;
  /** Default: `geminiErrors.unavailable()`. */
  error?: ErrorReply;
  form?: "sse-event" | "bare-json";
  /** The content whose chunks go out first. Default: the fake's default answer to the request. */
  from?: ContentReply;
}

/**
 * The socket is destroyed after `afterChunks` chunks. With 0 nothing at all is sent (not even the status
 * line), which is also what a non-streaming call gets.
 */
export interface DropReply {
  kind: "drop";
  afterChunks: number;
  from?: ContentReply;
}

/**
 * The route's normal 200 answer, with its headers and its whole `content-length`, whose body stops after
 * `afterBytes` bytes (default: half of it) when the connection is destroyed: a connection that breaks
 * while a JSON answer is read. For JSON answers (not `streamGenerateContent`; a stream breaks with `drop`).
 */
export interface BrokenBodyReply {
  kind: "brokenBody";
  afterBytes?: number;
}

/** The request is read and never answered; `close()` still finishes promptly. */
export interface HangReply {
  kind: "hang";
}

/** Wait, then play another reply (a slow first byte). */
export interface DelayReply {
  kind: "delay";
  ms: number;
  then: FakeReply;
}

export type FakeReply =
  | TextReply
  | FunctionCallsReply
  | ChunksReply
  | ErrorReply
  | MidStreamErrorReply
  | DropReply
  | BrokenBodyReply
  | HangReply
  | DelayReply;

/** Which requests a scripted reply may answer. Every given field must match. */
export interface ReplyMatch {
  key?: string;
  /** Model id without `models/`. */
  model?: string;
  action?: FakeAction | readonly FakeAction[];
}

export interface FakeThinkingSupport {
  /** Whether the model thinks when the request says nothing (2.5 Flash-Lite does not). */
  defaultOn: boolean;
  /** Whether `thinkingBudget: 0` turns thinking off (not on 2.5 Pro nor Gemini 3). */
  canDisable: boolean;
  /** The accepted `thinkingLevel` values; empty when the model takes only a budget. */
  levels: readonly GeminiThinkingLevel[];
}

/** One model of the fake's catalog. */
export interface FakeModelSpec {
  /** The id without `models/`, e.g. `gemini-2.5-flash`. */
  id: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: readonly string[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTemperature?: number;
  /** Absent for models that do not think. */
  thinking?: FakeThinkingSupport;
  /** Gemini 3 rule (README.md). Default: true for ids starting with `gemini-3`. */
  enforcesThoughtSignatures?: boolean;
  /** Default output size of an embedding model. */
  embeddingDimensions?: number;
  /** What responses report as `modelVersion`. Default: the id. */
  modelVersion?: string;
}

/** Free-tier style limits, counted per key and model (each test key stands for one Google project). */
export interface FakeRateLimit {
  /** Requests per minute; the window restarts at second :00. */
  rpm?: number;
  /** Requests per day; the day restarts at 00:00 America/Los_Angeles. */
  rpd?: number;
}

export interface FakeGeminiOptions {
  /** The valid keys. When omitted every non-empty key is accepted. */
  keys?: readonly string[];
  /** Replaces the whole catalog (start from `DEFAULT_MODELS` to extend it). */
  models?: readonly FakeModelSpec[];
  /** Changes to single models, e.g. `{ "gemini-2.5-flash": { inputTokenLimit: 100 } }`. */
  modelOverrides?: Readonly<Record<string, Partial<Omit<FakeModelSpec, "id">>>>;
  /** Page size of `GET /v1beta/models` when the request gives none. Default 50, as Google. */
  defaultPageSize?: number;
  /** Limits per model id; `"*"` applies to every model without its own entry. */
  rateLimits?: Readonly<Record<string, FakeRateLimit>>;
  /** The clock for rate limits and timestamps. Default `Date.now`. */
  now?: () => number;
  /** Keep every request in `fake.requests`. Default true; a load benchmark may turn it off. */
  recordRequests?: boolean;
}

export interface FakeGemini {
  /** e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Script a one-shot reply for the next request that matches (FIFO among matching scripts). */
  enqueue(reply: FakeReply, match?: ReplyMatch): void;
  /** A reply that every request with this key gets, until set to `null`. Wins over `enqueue`. */
  setKeyBehavior(key: string, reply: FakeReply | null): void;
  /** One-shot scripts not consumed yet. */
  pendingScripts(): number;
  /** Requests per presented key (valid or not), optionally only for one model or action. */
  counts(filter?: { model?: string; action?: FakeAction }): Record<string, number>;
  /** A fresh signature the fake will accept, for building conversation history by hand. */
  issueThoughtSignature(): string;
  /** Forget scripts, key behaviours, recordings, counters and rate-limit windows. */
  reset(): void;
  /** Stop listening and destroy every connection, hung and keep-alive ones included. */
  close(): Promise<void>;
}

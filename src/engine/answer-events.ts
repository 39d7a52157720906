import type { GeminiUsageMetadata } from "../gemini/wire-types.js";

/**
 * What Gemini answered, normalized: the one vocabulary every client protocol reads. The engine turns
 * Gemini's chunks (streamed or whole) into these events, in order, with Gemini's quirks already taken
 * care of (candidates without `index`, the empty `{"text": ""}` that closes a Gemini 3 stream, running
 * usage totals, a finish reason only on the last chunk). A protocol's stream encoder maps them to its own
 * wire format; its response renderer maps the collected `Answer` to its whole-answer JSON.
 *
 * Names are Gemini's (a tool call's `name` is the Gemini-safe function name): the protocol maps them back
 * with the `ToolNameMap` its request translator built.
 */
export type AnswerEvent =
  /** Visible text, never empty. */
  | { type: "text"; candidate: number; text: string }
  /** Thought summary text (Gemini `thought: true` parts), never empty. Sent only when asked for. */
  | { type: "reasoning"; candidate: number; text: string }
  /**
   * A thought signature Gemini put on a part that is not a function call (a text part, or the empty
   * closing part of a Gemini 3 stream). Signatures on calls travel on the `tool_call` event instead.
   */
  | { type: "signature"; candidate: number; signature: string }
  /**
   * One whole function call (Gemini never streams partial arguments). `id` was made by the protocol's
   * `newToolCallId`, so it already has the protocol's prefix (`call_…`, `toolu_…`).
   */
  | {
      type: "tool_call";
      candidate: number;
      id: string;
      name: string;
      args: Record<string, unknown>;
      signature?: string;
    }
  /** The candidate is finished. Exactly one per candidate, after its last content event. */
  | { type: "finish"; candidate: number; finish: Finish };

/** Why a candidate ended, in terms every protocol can map. */
export interface Finish {
  kind: FinishKind;
  /** Gemini's own `finishReason`, when it gave one (`STOP`, `MAX_TOKENS`, `SAFETY`, …). */
  geminiReason: string | undefined;
  /** Gemini's `finishMessage`, when it gave one. */
  message: string | undefined;
  /** The candidate made at least one function call (Gemini ends a call with STOP). */
  madeToolCall: boolean;
}

export type FinishKind =
  /** A natural end (`STOP`), or a failure of the model's own making that is not filtering. */
  | "stop"
  /** Cut by the output limit (`MAX_TOKENS`). */
  | "max_tokens"
  /** Output or prompt blocked (safety, recitation, blocklist, PII, a blocked prompt). */
  | "refusal";

/** Token counts of a whole answer, the same arithmetic for every protocol and for the key's usage. */
export interface AnswerUsage {
  /** `promptTokenCount + toolUsePromptTokenCount`: all input the key pays for (cached included). */
  inputTokens: number;
  /** Of the input, the part read from Gemini's cache (`cachedContentTokenCount`). */
  cachedInputTokens: number;
  /** `candidatesTokenCount + thoughtsTokenCount`: thoughts are output the key pays for. */
  outputTokens: number;
  /** Of the output, the thoughts (`thoughtsTokenCount`). */
  reasoningTokens: number;
  totalTokens: number;
}

/** What is known once the answer is over (normally, or cut by a failure after it started). */
export interface AnswerSummary {
  usage: AnswerUsage;
  /** Gemini's raw usage, merged over the chunks, for protocols that relay Gemini's own numbers. */
  geminiUsage: GeminiUsageMetadata;
  /** Gemini blocked the prompt (`promptFeedback.blockReason`); there may be no candidate at all. */
  promptBlockReason: string | undefined;
  /** Gemini's `responseId` and `modelVersion`, when it sent them. */
  responseId: string | undefined;
  modelVersion: string | undefined;
}

/** One candidate of a whole answer, its content in the order Gemini produced it. */
export interface AnswerCandidate {
  index: number;
  /** Text, reasoning, signatures and calls in order; consecutive text (or reasoning) is joined. */
  parts: Array<Exclude<AnswerEvent, { type: "finish" }>>;
  finish: Finish;
}

/** A whole answer (non-streaming), for a protocol's response renderer. */
export interface Answer extends AnswerSummary {
  /** Sorted by index; one candidate (index 0, finish `refusal`) when the prompt was blocked. */
  candidates: AnswerCandidate[];
}

/**
 * A failure the client hears about: before a stream started, as an HTTP status in the protocol's error
 * envelope; inside a started stream, as the protocol's error event. `GatewayError` (src/errors.ts) carries
 * the same fields.
 */
export interface AnswerFailure {
  status: number;
  /** A machine-readable code: `rate_limit_exceeded`, `context_length_exceeded`, `empty_response`, … */
  code: string | null;
  message: string;
}

/**
 * A protocol's stream encoder: pure, one per response, state in the closure. Each method returns the
 * wire text to write (whole SSE frames), possibly empty. The engine calls `start` when the upstream has
 * answered and the status line goes out, then `event` per answer event, `keepalive` when the stream has
 * been silent for `SSE_KEEPALIVE_MS`, and exactly one of `finish` (the answer ended normally) or `fail`
 * (it broke after it started: never a silent or made-up end).
 */
export interface StreamEncoder {
  start(): string;
  event(event: AnswerEvent): string;
  keepalive(): string;
  finish(summary: AnswerSummary): string;
  fail(failure: AnswerFailure, summary: AnswerSummary): string;
}

/**
 * Short builders for scripted replies. Plain object literals of the `FakeReply` union work just as well.
 */
import { geminiErrors } from "./errors.js";
import type {
  BrokenBodyReply,
  ChunksReply,
  ContentReply,
  DelayReply,
  DropReply,
  ErrorReply,
  FakeChunk,
  FakeFunctionCall,
  FakeReply,
  FunctionCallsReply,
  HangReply,
  MidStreamErrorReply,
  TextReply,
} from "./types.js";

export const reply = {
  text: (text: string | string[], extra: Omit<TextReply, "kind" | "text"> = {}): TextReply => ({
    kind: "text",
    text,
    ...extra,
  }),

  functionCalls: (
    calls: FakeFunctionCall[],
    extra: Omit<FunctionCallsReply, "kind" | "calls"> = {},
  ): FunctionCallsReply => ({ kind: "functionCalls", calls, ...extra }),

  chunks: (chunks: FakeChunk[], extra: Omit<ChunksReply, "kind" | "chunks"> = {}): ChunksReply => ({
    kind: "chunks",
    chunks,
    ...extra,
  }),

  error: (status: number, body: unknown, headers?: Record<string, string>): ErrorReply => ({
    kind: "error",
    status,
    body,
    headers,
  }),

  midStreamError: ({
    afterChunks,
    error = geminiErrors.unavailable(),
    form = "sse-event",
    from,
  }: Omit<MidStreamErrorReply, "kind">): MidStreamErrorReply => ({
    kind: "midStreamError",
    afterChunks,
    error,
    form,
    from,
  }),

  drop: (afterChunks: number, from?: ContentReply): DropReply => ({ kind: "drop", afterChunks, from }),

  brokenBody: (afterBytes?: number): BrokenBodyReply =>
    afterBytes === undefined ? { kind: "brokenBody" } : { kind: "brokenBody", afterBytes },

  hang: (): HangReply => ({ kind: "hang" }),

  delay: (ms: number, then: FakeReply): DelayReply => ({ kind: "delay", ms, then }),
} as const;

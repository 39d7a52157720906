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

/**
 * Steps for a stream's `gate`: chunk N (N ≥ 1) leaves once `next()` was called N times, so a test can
 * read (or act) between chunks without depending on how fast the machine is.
 */
export function streamSteps(): { gate: (index: number) => Promise<void>; next(): void; releaseAll(): void } {
  let released = 0;
  const waiting = new Map<number, () => void>();
  const open = (count: number) => {
    released = Math.max(released, count);
    for (const [index, resolve] of waiting) {
      if (index <= released) {
        waiting.delete(index);
        resolve();
      }
    }
  };
  return {
    gate: (index) =>
      index <= released ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(index, resolve)),
    next: () => open(released + 1),
    releaseAll: () => open(Number.POSITIVE_INFINITY),
  };
}

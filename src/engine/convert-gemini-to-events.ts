import type { GeminiGenerateContentResponse, GeminiPart, GeminiUsageMetadata } from "../gemini/wire-types.js";
import type { AnswerEvent, AnswerSummary, Finish } from "./answer-events.js";
import { answerUsageOf, mergeGeminiUsage } from "./answer-usage.js";
import { finishKindOf } from "./map-finish-kind.js";

export interface GeminiEventOptions {
  /** Makes the id of each tool call, with the client protocol's prefix. */
  newToolCallId: () => string;
  /** Thought summaries become `reasoning` events; off with `REASONING_OUTPUT=none`. */
  includeReasoning: boolean;
}

/**
 * One Gemini answer (the chunks of one stream, or one whole generateContent response pushed as a single
 * chunk) → answer events. Content events come out of `push` as the chunks arrive; the `finish` events
 * come out of `finishEvents` once the caller has decided the answer is worth finishing (see the engine's
 * empty-answer retry), so a finish never reaches a client for an answer that is retried.
 */
export interface GeminiEventConverter {
  /** The content events of one chunk (text, reasoning, signatures, tool calls), never a finish. */
  push(chunk: GeminiGenerateContentResponse): AnswerEvent[];
  /** One finish per candidate, by index; candidate 0 alone when Gemini sent none (a blocked prompt). */
  finishEvents(): AnswerEvent[];
  /**
   * `undefined` when the answer gives a client something to act on (text, a tool call, a refusal, or a
   * cut by the output limit), else Gemini's finish reason and message for an answer of nothing or of
   * thoughts only.
   */
  emptyAnswer(): EmptyAnswer | undefined;
  /**
   * Whether Gemini finished: every candidate got its finishReason (Gemini puts one on the last chunk of
   * every stream), or the prompt was blocked. A body that ends cleanly before that was cut on the way.
   */
  isComplete(): boolean;
  /** Whether any text or tool call came out (reasoning alone does not count). */
  hasVisibleOutput(): boolean;
  /** Usage and identifiers so far. */
  summary(): AnswerSummary;
  /** Whether Gemini reported any usage at all. */
  hasUsage(): boolean;
}

/** Gemini's own words for an answer that has nothing to show. */
export interface EmptyAnswer {
  finishReason: string | undefined;
  finishMessage: string | undefined;
}

/** What is remembered about one candidate. */
interface CandidateState {
  geminiReason: string | undefined;
  message: string | undefined;
  madeToolCall: boolean;
}

type TextKind = "text" | "reasoning";

/**
 * Builds the converter for one upstream answer. Gemini's quirks are handled here, once: candidates
 * without `index` (gemini-2.0 and "-002" models: a single candidate is candidate 0), the `{"text": ""}`
 * that closes a Gemini 3 stream (signed or not, it makes no text event), running usage totals, a finish
 * reason only on the last chunk. Consecutive text (or reasoning) parts of one chunk become one event; a
 * signature on a text part comes right after the text it was on.
 */
export function createGeminiEventConverter(options: GeminiEventOptions): GeminiEventConverter {
  const candidates: CandidateState[] = [];
  const usage: GeminiUsageMetadata = {};
  let usageSeen = false;
  let promptBlockReason: string | undefined;
  let responseId: string | undefined;
  let modelVersion: string | undefined;
  let visibleOutput = false;

  const stateFor = (index: number): CandidateState => {
    let state = candidates[index];
    if (state === undefined) {
      state = { geminiReason: undefined, message: undefined, madeToolCall: false };
      candidates[index] = state;
    }
    return state;
  };

  const convertParts = (parts: readonly GeminiPart[], candidate: number, state: CandidateState) => {
    const events: AnswerEvent[] = [];
    let runKind: TextKind | undefined;
    let runText = "";
    let runSignatures: string[] = [];
    const endRun = () => {
      if (runKind !== undefined && runText !== "") events.push({ type: runKind, candidate, text: runText });
      for (const signature of runSignatures) events.push({ type: "signature", candidate, signature });
      runKind = undefined;
      runText = "";
      runSignatures = [];
    };

    for (const part of parts) {
      const call = part.functionCall;
      if (call !== undefined) {
        endRun();
        const args = call.args;
        events.push({
          type: "tool_call",
          candidate,
          id: options.newToolCallId(),
          name: typeof call.name === "string" ? call.name : "",
          args: args !== null && typeof args === "object" && !Array.isArray(args) ? args : {},
          ...(typeof part.thoughtSignature === "string" && part.thoughtSignature !== ""
            ? { signature: part.thoughtSignature }
            : {}),
        });
        state.madeToolCall = true;
        visibleOutput = true;
        continue;
      }
      const text = typeof part.text === "string" ? part.text : "";
      const kind: TextKind = part.thought === true ? "reasoning" : "text";
      const shown = text !== "" && (kind === "text" || options.includeReasoning);
      if (shown) {
        if (runKind !== kind) {
          endRun();
          runKind = kind;
        }
        runText += text;
        if (kind === "text") visibleOutput = true;
      }
      if (typeof part.thoughtSignature === "string" && part.thoughtSignature !== "")
        runSignatures.push(part.thoughtSignature);
    }
    endRun();
    return events;
  };

  const push = (chunk: GeminiGenerateContentResponse): AnswerEvent[] => {
    if (chunk.usageMetadata !== undefined && chunk.usageMetadata !== null) {
      mergeGeminiUsage(usage, chunk.usageMetadata);
      usageSeen = true;
    }
    const blockReason = chunk.promptFeedback?.blockReason;
    if (typeof blockReason === "string" && blockReason !== "") promptBlockReason = blockReason;
    if (typeof chunk.responseId === "string") responseId = chunk.responseId;
    if (typeof chunk.modelVersion === "string") modelVersion = chunk.modelVersion;
    const chunkCandidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
    const events: AnswerEvent[] = [];
    for (let position = 0; position < chunkCandidates.length; position++) {
      const candidate = chunkCandidates[position];
      if (candidate === undefined || candidate === null) continue;
      const index = typeof candidate.index === "number" ? candidate.index : position;
      const state = stateFor(index);
      const parts = candidate.content?.parts;
      if (Array.isArray(parts)) events.push(...convertParts(parts, index, state));
      if (typeof candidate.finishReason === "string") state.geminiReason = candidate.finishReason;
      if (typeof candidate.finishMessage === "string") state.message = candidate.finishMessage;
    }
    return events;
  };

  const finishOf = (state: CandidateState): Finish => ({
    kind:
      state.geminiReason === undefined && promptBlockReason !== undefined
        ? "refusal"
        : finishKindOf(state.geminiReason),
    geminiReason: state.geminiReason,
    message: state.message,
    madeToolCall: state.madeToolCall,
  });

  const finishEvents = (): AnswerEvent[] => {
    // A blocked prompt (or an answer without candidates) still ends like every other: one finish.
    if (candidates.length === 0) stateFor(0);
    const events: AnswerEvent[] = [];
    candidates.forEach((state, candidate) => {
      events.push({ type: "finish", candidate, finish: finishOf(state) });
    });
    return events;
  };

  const emptyAnswer = (): EmptyAnswer | undefined => {
    if (visibleOutput || promptBlockReason !== undefined) return undefined;
    for (const state of candidates) {
      if (state === undefined) continue;
      const kind = finishKindOf(state.geminiReason);
      if (kind === "refusal" || kind === "max_tokens") return undefined;
    }
    const first = candidates.find((state) => state !== undefined);
    return { finishReason: first?.geminiReason, finishMessage: first?.message };
  };

  const isComplete = (): boolean => {
    if (promptBlockReason !== undefined) return true;
    const states = candidates.filter((state) => state !== undefined);
    return states.length > 0 && states.every((state) => state.geminiReason !== undefined);
  };

  return {
    push,
    finishEvents,
    emptyAnswer,
    isComplete,
    hasVisibleOutput: () => visibleOutput,
    summary: () => ({
      usage: answerUsageOf(usage),
      geminiUsage: { ...usage },
      promptBlockReason,
      responseId,
      modelVersion,
    }),
    hasUsage: () => usageSeen,
  };
}

import type { GeminiGenerateContentResponse, GeminiUsageMetadata } from "../gemini/wire-types.js";
import type {
  OpenAIChatCompletionChunk,
  OpenAIChatDelta,
  OpenAIFinishReason,
  OpenAIToolCallDelta,
} from "../openai/types.js";
import type { ChatResponseContext } from "./convert-gemini-response.js";
import { convertUsage, mergeUsage } from "./convert-usage.js";
import type { EmptyAnswer } from "./is-empty-gemini-response.js";
import { finishReasonFor, mapFinishReason } from "./map-finish-reason.js";

export interface ChatStreamContext extends ChatResponseContext {
  /** `stream_options.include_usage`: write the single usage chunk at the end. */
  includeUsage: boolean;
}

export interface ChatStreamConverter {
  /** The OpenAI chunks for one Gemini stream chunk (often one, sometimes none). */
  push(chunk: GeminiGenerateContentResponse): OpenAIChatCompletionChunk[];
  /**
   * The end of a stream that finished normally, written in this one place: a finish chunk for every
   * choice, then (with includeUsage) the one usage chunk with `choices: []`. Later calls return [].
   * Not for a stream that broke: that ends with an error event, never a made-up finish.
   */
  finish(): OpenAIChatCompletionChunk[];
  /** Whether any text or tool call reached the output (reasoning alone does not count). */
  hasVisibleOutput(): boolean;
  /**
   * What the stream so far gives a client to act on: `undefined` when it is an answer (text, a tool
   * call, a refusal, or a cut by the output limit), else Gemini's finish reason and message for an
   * answer of nothing or of thoughts only, which agents treat as a failure (see emptyAnswerOf).
   */
  emptyAnswer(): EmptyAnswer | undefined;
  /**
   * Whether Gemini finished: every candidate got its finishReason (Gemini puts one on the last chunk of
   * every stream), or the prompt was blocked. A body that ends cleanly before that was cut on the way,
   * and must not pass for a complete answer.
   */
  isComplete(): boolean;
  /** Signatures Gemini put on function calls, by the tool-call id they were sent with. */
  readonly thoughtSignatures: ReadonlyMap<string, string>;
}

/** What the stream remembers about one choice (one Gemini candidate). */
interface ChoiceState {
  roleSent: boolean;
  toolCallCount: number;
  geminiFinishReason: string | undefined;
  finishMessage: string | undefined;
}

type DeltaKind = "content" | "reasoning_content";

/**
 * Gemini stream chunks → OpenAI `chat.completion.chunk`s, keeping the stream invariants clients rely on
 * (../shared/reference/clients.md §7 "S"): the first chunk of each choice carries `role: "assistant"`;
 * no empty content delta (the `{"text": ""}` that closes a Gemini 3 stream, signed or not, writes
 * nothing); reasoning as `reasoning_content`, never in `content`; each tool call whole in one delta with
 * its own `index` (Gemini never streams partial arguments), `id`, `type`, name, arguments and, when
 * signed, `extra_content.google.thought_signature`; exactly one finish per choice, and usage once, last.
 * All state lives in this closure.
 */
export function createChatStreamConverter(context: ChatStreamContext): ChatStreamConverter {
  const choiceStates: ChoiceState[] = [];
  const latestUsage: GeminiUsageMetadata = {};
  const thoughtSignatures = new Map<string, string>();
  const showReasoning = context.reasoningOutput === "reasoning_content";
  let promptBlocked = false;
  let visibleOutput = false;
  let finished = false;

  const chunkOf = (
    index: number,
    delta: OpenAIChatDelta,
    finishReason: OpenAIFinishReason | null,
  ): OpenAIChatCompletionChunk => ({
    id: context.id,
    object: "chat.completion.chunk",
    created: context.created,
    model: context.model,
    choices: [{ index, delta, finish_reason: finishReason }],
  });

  const stateFor = (index: number): ChoiceState => {
    let state = choiceStates[index];
    if (state === undefined) {
      state = { roleSent: false, toolCallCount: 0, geminiFinishReason: undefined, finishMessage: undefined };
      choiceStates[index] = state;
    }
    return state;
  };

  /** A delta for a choice, with the role on the choice's first one. */
  const deltaOf = (state: ChoiceState): OpenAIChatDelta => {
    if (state.roleSent) return {};
    state.roleSent = true;
    return { role: "assistant" };
  };

  const textChunk = (index: number, state: ChoiceState, kind: DeltaKind, text: string) => {
    const delta = deltaOf(state);
    delta[kind] = text;
    return chunkOf(index, delta, null);
  };

  const push = (chunk: GeminiGenerateContentResponse): OpenAIChatCompletionChunk[] => {
    const output: OpenAIChatCompletionChunk[] = [];
    if (finished) return output;
    if (chunk.usageMetadata !== undefined) mergeUsage(latestUsage, chunk.usageMetadata);
    if (chunk.promptFeedback?.blockReason) promptBlocked = true;
    const candidates = chunk.candidates;
    if (candidates === undefined) return output;

    for (let position = 0; position < candidates.length; position++) {
      const candidate = candidates[position];
      if (candidate === undefined) continue;
      // gemini-2.0 and "-002" models leave `index` out; a single candidate is choice 0.
      const index = candidate.index ?? position;
      const state = stateFor(index);
      let pendingKind: DeltaKind | undefined;
      let pendingText = "";

      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall !== undefined) {
          if (pendingKind !== undefined) {
            output.push(textChunk(index, state, pendingKind, pendingText));
            pendingKind = undefined;
            pendingText = "";
          }
          const id = context.newToolCallId();
          const toolCall: OpenAIToolCallDelta = {
            index: state.toolCallCount++,
            id,
            type: "function",
            function: {
              name: context.toolNames.toOpenAI(part.functionCall.name ?? ""),
              arguments: JSON.stringify(part.functionCall.args ?? {}),
            },
          };
          if (part.thoughtSignature) {
            toolCall.extra_content = { google: { thought_signature: part.thoughtSignature } };
            thoughtSignatures.set(id, part.thoughtSignature);
          }
          const delta = deltaOf(state);
          delta.tool_calls = [toolCall];
          output.push(chunkOf(index, delta, null));
          visibleOutput = true;
          continue;
        }
        const text = part.text;
        if (typeof text !== "string" || text === "") continue;
        const kind: DeltaKind = part.thought === true ? "reasoning_content" : "content";
        if (kind === "reasoning_content" && !showReasoning) continue;
        if (kind === "content") visibleOutput = true;
        if (pendingKind === kind) {
          pendingText += text;
          continue;
        }
        if (pendingKind !== undefined) output.push(textChunk(index, state, pendingKind, pendingText));
        pendingKind = kind;
        pendingText = text;
      }
      if (pendingKind !== undefined) output.push(textChunk(index, state, pendingKind, pendingText));
      if (candidate.finishReason !== undefined) state.geminiFinishReason = candidate.finishReason;
      if (candidate.finishMessage !== undefined) state.finishMessage = candidate.finishMessage;
    }
    return output;
  };

  const emptyAnswer = (): EmptyAnswer | undefined => {
    if (visibleOutput || promptBlocked) return undefined;
    for (const state of choiceStates) {
      if (state === undefined) continue;
      const mapped = mapFinishReason(state.geminiFinishReason);
      if (mapped === "content_filter" || mapped === "length") return undefined;
    }
    const first = choiceStates.find((state) => state !== undefined);
    return { finishReason: first?.geminiFinishReason, finishMessage: first?.finishMessage };
  };

  const isComplete = (): boolean => {
    if (promptBlocked) return true;
    const states = choiceStates.filter((state) => state !== undefined);
    return states.length > 0 && states.every((state) => state.geminiFinishReason !== undefined);
  };

  const finish = (): OpenAIChatCompletionChunk[] => {
    const output: OpenAIChatCompletionChunk[] = [];
    if (finished) return output;
    finished = true;
    // A blocked prompt (or an empty stream) still ends like every other: one choice, one finish.
    if (choiceStates.length === 0) stateFor(0);
    choiceStates.forEach((state, index) => {
      const finishReason =
        state.geminiFinishReason === undefined && promptBlocked
          ? "content_filter"
          : finishReasonFor(state.geminiFinishReason, state.toolCallCount > 0);
      output.push(chunkOf(index, deltaOf(state), finishReason));
    });
    if (context.includeUsage) {
      output.push({
        id: context.id,
        object: "chat.completion.chunk",
        created: context.created,
        model: context.model,
        choices: [],
        usage: convertUsage(latestUsage),
      });
    }
    return output;
  };

  return {
    push,
    finish,
    hasVisibleOutput: () => visibleOutput,
    emptyAnswer,
    isComplete,
    thoughtSignatures,
  };
}

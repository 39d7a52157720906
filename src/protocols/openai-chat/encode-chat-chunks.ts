import type { AnswerEvent, AnswerSummary } from "../../engine/answer-events.js";
import type {
  OpenAIChatCompletionChunk,
  OpenAIChatDelta,
  OpenAIFinishReason,
  OpenAIToolCallDelta,
} from "../../openai/types.js";
import type { ToolNameMap } from "../../translate/tool-name-map.js";
import { renderUsage } from "./convert-usage.js";
import { finishReasonOf } from "./map-finish-reason.js";

/** What every chunk of one answer repeats, and what the client asked for. */
export interface ChatChunkContext {
  /** `chatcmpl-…`, the same on every chunk. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model the client asked for, echoed back. */
  model: string;
  /** Turns Gemini-safe function names back into the client's names. */
  toolNames: ToolNameMap;
}

export interface ChatChunkEncoder {
  /** The `chat.completion.chunk`s for one answer event (one, or none for a signature). */
  chunksFor(event: AnswerEvent): OpenAIChatCompletionChunk[];
  /** The single usage chunk (`choices: []`) that ends a stream with `stream_options.include_usage`. */
  usageChunk(summary: AnswerSummary): OpenAIChatCompletionChunk;
}

/** What the stream remembers about one choice. */
interface ChoiceState {
  roleSent: boolean;
  toolCallCount: number;
}

/**
 * Answer events → OpenAI `chat.completion.chunk`s, keeping the stream invariants clients rely on: the
 * first chunk of each choice carries `role: "assistant"`; reasoning as `reasoning_content`, never in
 * `content`; each tool call whole in one delta with its own `index`, `id`, `type`, name, arguments and,
 * when signed, `extra_content.google.thought_signature` (Google's own compatibility layer's field);
 * exactly one finish per choice (the engine sends one finish event per candidate). A signature on text
 * has no place in OpenAI's format and writes nothing. All state lives in this closure.
 */
export function createChatChunkEncoder(context: ChatChunkContext): ChatChunkEncoder {
  const choices = new Map<number, ChoiceState>();

  const stateFor = (index: number): ChoiceState => {
    let state = choices.get(index);
    if (state === undefined) {
      state = { roleSent: false, toolCallCount: 0 };
      choices.set(index, state);
    }
    return state;
  };

  /** A delta for a choice, with the role on the choice's first one. */
  const deltaOf = (state: ChoiceState): OpenAIChatDelta => {
    if (state.roleSent) return {};
    state.roleSent = true;
    return { role: "assistant" };
  };

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

  const chunksFor = (event: AnswerEvent): OpenAIChatCompletionChunk[] => {
    const state = stateFor(event.candidate);
    switch (event.type) {
      case "text": {
        const delta = deltaOf(state);
        delta.content = event.text;
        return [chunkOf(event.candidate, delta, null)];
      }
      case "reasoning": {
        const delta = deltaOf(state);
        delta.reasoning_content = event.text;
        return [chunkOf(event.candidate, delta, null)];
      }
      case "signature":
        return [];
      case "tool_call": {
        const toolCall: OpenAIToolCallDelta = {
          index: state.toolCallCount++,
          id: event.id,
          type: "function",
          function: { name: context.toolNames.toOpenAI(event.name), arguments: JSON.stringify(event.args) },
        };
        if (event.signature !== undefined)
          toolCall.extra_content = { google: { thought_signature: event.signature } };
        const delta = deltaOf(state);
        delta.tool_calls = [toolCall];
        return [chunkOf(event.candidate, delta, null)];
      }
      case "finish":
        return [chunkOf(event.candidate, deltaOf(state), finishReasonOf(event.finish))];
      default: {
        const unexpected: never = event;
        throw new Error(`unhandled answer event ${JSON.stringify(unexpected)}`);
      }
    }
  };

  return {
    chunksFor,
    usageChunk: (summary) => ({
      id: context.id,
      object: "chat.completion.chunk",
      created: context.created,
      model: context.model,
      choices: [],
      usage: renderUsage(summary.usage),
    }),
  };
}

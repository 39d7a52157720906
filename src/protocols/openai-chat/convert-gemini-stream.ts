import { createGeminiEventConverter, type EmptyAnswer } from "../../engine/convert-gemini-to-events.js";
import type { GeminiGenerateContentResponse } from "../../gemini/wire-types.js";
import type { OpenAIChatCompletionChunk } from "../../openai/types.js";
import type { ChatResponseContext } from "./convert-gemini-response.js";
import { createChatChunkEncoder } from "./encode-chat-chunks.js";

export interface ChatStreamContext extends ChatResponseContext {
  /** `stream_options.include_usage`: write the single usage chunk at the end. */
  includeUsage: boolean;
}

export interface ChatStreamConverter {
  /** The OpenAI chunks for one Gemini stream chunk (often one, sometimes none). */
  push(chunk: GeminiGenerateContentResponse): OpenAIChatCompletionChunk[];
  /**
   * The end of a stream that finished normally: a finish chunk for every choice, then (with
   * includeUsage) the one usage chunk with `choices: []`. Later calls, and pushes after it, return [].
   */
  finish(): OpenAIChatCompletionChunk[];
  /** Whether any text or tool call reached the output (reasoning alone does not count). */
  hasVisibleOutput(): boolean;
  /** `undefined` when the stream so far is an answer; else Gemini's reason for an empty one. */
  emptyAnswer(): EmptyAnswer | undefined;
  /** Whether Gemini finished every candidate, or blocked the prompt. */
  isComplete(): boolean;
  /** Signatures Gemini put on function calls, by the tool-call id they were sent with. */
  readonly thoughtSignatures: ReadonlyMap<string, string>;
}

/**
 * Gemini stream chunks → OpenAI `chat.completion.chunk`s, in one step: the engine's converter (Gemini →
 * answer events) composed with this protocol's chunk encoder, as the engine runs them for one attempt.
 */
export function createChatStreamConverter(context: ChatStreamContext): ChatStreamConverter {
  const converter = createGeminiEventConverter({
    newToolCallId: context.newToolCallId,
    includeReasoning: context.reasoningOutput !== "none",
  });
  const encoder = createChatChunkEncoder(context);
  const thoughtSignatures = new Map<string, string>();
  let finished = false;

  return {
    push(chunk) {
      if (finished) return [];
      return converter.push(chunk).flatMap((event) => {
        if (event.type === "tool_call" && event.signature !== undefined)
          thoughtSignatures.set(event.id, event.signature);
        return encoder.chunksFor(event);
      });
    },
    finish() {
      if (finished) return [];
      finished = true;
      const output = converter.finishEvents().flatMap((event) => encoder.chunksFor(event));
      if (context.includeUsage) output.push(encoder.usageChunk(converter.summary()));
      return output;
    },
    hasVisibleOutput: () => converter.hasVisibleOutput(),
    emptyAnswer: () => converter.emptyAnswer(),
    isComplete: () => converter.isComplete(),
    thoughtSignatures,
  };
}

import type { StreamEncoder } from "../../engine/answer-events.js";
import { type ChatChunkContext, createChatChunkEncoder } from "./encode-chat-chunks.js";
import { openAIErrorBodyOfFailure } from "./error-envelope.js";

export interface ChatStreamEncoderContext extends ChatChunkContext {
  /** `stream_options.include_usage`: write the single usage chunk at the end. */
  includeUsage: boolean;
}

const frame = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;

/**
 * OpenAI's stream: one `data:` event per chunk, the usage chunk when asked for, then `data: [DONE]`.
 * A failure after the start is a `data:` event with OpenAI's error object (openai-node throws on it)
 * and no `[DONE]`, so no client mistakes a broken answer for a finished one. Keep-alives are SSE
 * comments, which every client ignores.
 */
export function createChatStreamEncoder(context: ChatStreamEncoderContext): StreamEncoder {
  const chunks = createChatChunkEncoder(context);
  return {
    start: () => "",
    event: (event) => {
      let text = "";
      for (const chunk of chunks.chunksFor(event)) text += frame(chunk);
      return text;
    },
    keepalive: () => ": ping\n\n",
    finish: (summary) => `${context.includeUsage ? frame(chunks.usageChunk(summary)) : ""}data: [DONE]\n\n`,
    fail: (failure) => frame(openAIErrorBodyOfFailure(failure)),
  };
}

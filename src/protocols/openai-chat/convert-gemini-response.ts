import { collectAnswer } from "../../engine/collect-answer.js";
import { createGeminiEventConverter } from "../../engine/convert-gemini-to-events.js";
import type { GeminiGenerateContentResponse } from "../../gemini/wire-types.js";
import type { OpenAIChatCompletion } from "../../openai/types.js";
import type { ReasoningOutput } from "../../translate/map-reasoning-effort.js";
import type { ChatChunkContext } from "./encode-chat-chunks.js";
import { renderChatCompletion } from "./render-chat-completion.js";

export interface ChatResponseContext extends ChatChunkContext {
  reasoningOutput: ReasoningOutput;
  newToolCallId: () => string;
}

export interface ConvertedChatResponse {
  completion: OpenAIChatCompletion;
  /** Signatures Gemini put on function calls, by the tool-call id they were sent with. */
  thoughtSignatures: Array<[toolCallId: string, signature: string]>;
}

/**
 * A Gemini generateContent response → an OpenAI `chat.completion`, in one step: the engine's converter
 * (Gemini → answer events) composed with this protocol's renderer, as the engine runs them.
 */
export function convertGeminiResponse(
  response: GeminiGenerateContentResponse,
  context: ChatResponseContext,
): ConvertedChatResponse {
  const converter = createGeminiEventConverter({
    newToolCallId: context.newToolCallId,
    includeReasoning: context.reasoningOutput !== "none",
  });
  const events = [...converter.push(response), ...converter.finishEvents()];
  const thoughtSignatures: ConvertedChatResponse["thoughtSignatures"] = [];
  for (const event of events) {
    if (event.type === "tool_call" && event.signature !== undefined)
      thoughtSignatures.push([event.id, event.signature]);
  }
  return {
    completion: renderChatCompletion(collectAnswer(events, converter.summary()), context),
    thoughtSignatures,
  };
}

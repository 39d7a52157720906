import type { GeminiCandidate, GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import type { OpenAIChatCompletion, OpenAIChatMessage, OpenAIToolCall } from "../openai/types.js";
import { convertUsage } from "./convert-usage.js";
import { finishReasonFor } from "./map-finish-reason.js";
import type { ReasoningOutput } from "./map-reasoning-effort.js";
import type { ToolNameMap } from "./tool-name-map.js";

export interface ChatResponseContext {
  /** `chatcmpl-…`, chosen by the route. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model the client asked for, echoed back as-is. */
  model: string;
  toolNames: ToolNameMap;
  reasoningOutput: ReasoningOutput;
  newToolCallId: () => string;
}

export interface ConvertedChatResponse {
  completion: OpenAIChatCompletion;
  /** Signatures Gemini put on function calls, for the gateway to store by tool-call id. */
  thoughtSignatures: Array<[toolCallId: string, signature: string]>;
}

type Choice = OpenAIChatCompletion["choices"][number];

/** A Gemini generateContent response → an OpenAI `chat.completion`. */
export function convertGeminiResponse(
  response: GeminiGenerateContentResponse,
  context: ChatResponseContext,
): ConvertedChatResponse {
  const thoughtSignatures: ConvertedChatResponse["thoughtSignatures"] = [];
  const candidates = response.candidates ?? [];
  const choices: Choice[] = candidates.map((candidate, position) =>
    convertCandidate(candidate, candidate.index ?? position, context, thoughtSignatures),
  );
  if (choices.length === 0) {
    // A prompt Gemini blocked comes back with no candidate at all, only promptFeedback.blockReason.
    choices.push({
      index: 0,
      message: { role: "assistant", content: null, refusal: null },
      finish_reason: response.promptFeedback?.blockReason ? "content_filter" : "stop",
      logprobs: null,
    });
  }
  choices.sort((first, second) => first.index - second.index);
  return {
    completion: {
      id: context.id,
      object: "chat.completion",
      created: context.created,
      model: context.model,
      choices,
      usage: convertUsage(response.usageMetadata),
    },
    thoughtSignatures,
  };
}

function convertCandidate(
  candidate: GeminiCandidate,
  index: number,
  context: ChatResponseContext,
  thoughtSignatures: ConvertedChatResponse["thoughtSignatures"],
): Choice {
  let content = "";
  let reasoning = "";
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall !== undefined) {
      const id = context.newToolCallId();
      const toolCall: OpenAIToolCall = {
        id,
        type: "function",
        function: {
          name: context.toolNames.toOpenAI(part.functionCall.name ?? ""),
          arguments: JSON.stringify(part.functionCall.args ?? {}),
        },
      };
      if (part.thoughtSignature) {
        toolCall.extra_content = { google: { thought_signature: part.thoughtSignature } };
        thoughtSignatures.push([id, part.thoughtSignature]);
      }
      toolCalls.push(toolCall);
    } else if (typeof part.text === "string") {
      if (part.thought === true) reasoning += part.text;
      else content += part.text;
    }
  }
  const message: OpenAIChatMessage = {
    role: "assistant",
    content: content === "" ? null : content,
    refusal: null,
  };
  if (context.reasoningOutput === "reasoning_content" && reasoning !== "")
    message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    index,
    message,
    finish_reason: finishReasonFor(candidate.finishReason, toolCalls.length > 0),
    logprobs: null,
  };
}

import type { Answer, AnswerCandidate } from "../../engine/answer-events.js";
import type { OpenAIChatCompletion, OpenAIChatMessage, OpenAIToolCall } from "../../openai/types.js";
import { renderUsage } from "./convert-usage.js";
import type { ChatChunkContext } from "./encode-chat-chunks.js";
import { finishReasonOf } from "./map-finish-reason.js";

type Choice = OpenAIChatCompletion["choices"][number];

/** A whole answer → an OpenAI `chat.completion`, one choice per candidate. */
export function renderChatCompletion(answer: Answer, context: ChatChunkContext): OpenAIChatCompletion {
  return {
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: answer.candidates.map((candidate) => renderChoice(candidate, context)),
    usage: renderUsage(answer.usage),
  };
}

/** Text joined into `content`, reasoning into `reasoning_content`, calls in order. */
function renderChoice(candidate: AnswerCandidate, context: ChatChunkContext): Choice {
  let content = "";
  let reasoning = "";
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of candidate.parts) {
    switch (part.type) {
      case "text":
        content += part.text;
        break;
      case "reasoning":
        reasoning += part.text;
        break;
      case "tool_call": {
        const toolCall: OpenAIToolCall = {
          id: part.id,
          type: "function",
          function: { name: context.toolNames.toOpenAI(part.name), arguments: JSON.stringify(part.args) },
        };
        if (part.signature !== undefined)
          toolCall.extra_content = { google: { thought_signature: part.signature } };
        toolCalls.push(toolCall);
        break;
      }
      case "signature":
        break;
      default: {
        const unexpected: never = part;
        throw new Error(`unhandled answer part ${JSON.stringify(unexpected)}`);
      }
    }
  }
  const message: OpenAIChatMessage = {
    role: "assistant",
    content: content === "" ? null : content,
    refusal: null,
  };
  if (reasoning !== "") message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return { index: candidate.index, message, finish_reason: finishReasonOf(candidate.finish), logprobs: null };
}

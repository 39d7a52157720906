import type { Response } from "express";
import { dispatch } from "../dispatch/dispatch.js";
import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import { convertGeminiResponse } from "../translate/convert-gemini-response.js";
import type { ConvertedChatRequest } from "../translate/convert-openai-request.js";
import { emptyAnswerOf } from "../translate/is-empty-gemini-response.js";
import { type ChatCall, newToolCallId, recordUsage, sendGenerate } from "./chat-call.js";
import { EMPTY_ANSWER_RETRIES, emptyAnswerError } from "./empty-answer.js";

/**
 * A non-streaming chat completion: one JSON answer. An answer of nothing (or of thoughts only) is
 * retried once unseen; a second one becomes a 502 rather than an empty `stop`.
 */
export async function completeChat(
  call: ChatCall,
  converted: ConvertedChatRequest,
  response: Response,
): Promise<void> {
  let geminiResponse: GeminiGenerateContentResponse | undefined;
  for (let round = 0; round <= EMPTY_ANSWER_RETRIES; round++) {
    const { value, lease } = await dispatch(
      call.dispatcher,
      { model: call.model, signal: call.signal },
      async (key) => {
        const attempt = await sendGenerate(call, key, false);
        return attempt.json<GeminiGenerateContentResponse>();
      },
    );
    geminiResponse = value;
    recordUsage(call, lease.id, value.usageMetadata);
    const empty = emptyAnswerOf(value);
    if (empty === undefined) break;
    call.gateway.logger.info(
      { keyId: lease.id, model: call.model, finishReason: empty.finishReason, round },
      "empty answer from upstream",
    );
    if (round === EMPTY_ANSWER_RETRIES) throw emptyAnswerError(empty, round + 1);
  }
  const { completion, thoughtSignatures } = convertGeminiResponse(geminiResponse ?? {}, {
    id: call.id,
    created: call.created,
    model: call.model,
    toolNames: converted.toolNames,
    reasoningOutput: call.gateway.config.reasoningOutput,
    newToolCallId,
  });
  call.gateway.signatures.remember(thoughtSignatures);
  response.json(completion);
}

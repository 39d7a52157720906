import { Router } from "express";
import { type ChatCall, newCompletionId } from "../chat/chat-call.js";
import { completeChat } from "../chat/complete-chat.js";
import { streamChat } from "../chat/stream-chat.js";
import type { Gateway } from "../gateway.js";
import { fetchRemoteMediaForRequest } from "../media/fetch-remote-media-for-request.js";
import { parseChatCompletionRequest } from "../openai/chat-request-schema.js";
import { collectRemoteMediaUrls, convertChatRequest } from "../translate/convert-openai-request.js";
import { requestSignal } from "./request-signal.js";

/** `POST /v1/chat/completions`, streaming and not. */
export function chatRoutes(gateway: Gateway): Router {
  const router = Router();

  router.post("/v1/chat/completions", async (request, response) => {
    const chatRequest = parseChatCompletionRequest(request.body);
    const signal = requestSignal(request, response);

    const remoteMedia = await fetchRemoteMediaForRequest(collectRemoteMediaUrls(chatRequest), {
      signal,
      allowPrivateAddresses: gateway.config.allowPrivateMediaUrls,
      limits: gateway.config.mediaLimits,
      response,
    });
    const toolCallIds = chatRequest.messages.flatMap((message) =>
      message.role === "assistant" ? (message.tool_calls ?? []).map((toolCall) => toolCall.id) : [],
    );
    const converted = convertChatRequest(chatRequest, {
      thoughtSignatures: await gateway.lookupSignatures(toolCallIds),
      remoteMedia,
      reasoningOutput: gateway.config.reasoningOutput,
    });

    const call: ChatCall = {
      gateway,
      dispatcher: gateway.dispatcher,
      model: converted.model,
      body: JSON.stringify(converted.body),
      signal,
      id: newCompletionId(),
      created: Math.floor(Date.now() / 1000),
    };
    response.locals.model = converted.model;
    if (converted.stream) await streamChat(call, converted, response);
    else await completeChat(call, converted, response);
  });

  return router;
}

import { Router } from "express";
import type { Config } from "../../config.js";
import type { ChatEngine } from "../../engine/chat-engine.js";
import type { ChatPlan } from "../../engine/chat-plan.js";
import { resolveModelAlias } from "../../gemini/model-aliases.js";
import { clientModelName, geminiModelId } from "../../gemini/model-id.js";
import { fetchRemoteMediaForRequest } from "../../media/fetch-remote-media-for-request.js";
import { parseChatCompletionRequest } from "../../openai/chat-request-schema.js";
import { requestSignal } from "../../routes/request-signal.js";
import { collectRemoteMediaUrls, convertChatRequest } from "../../translate/convert-openai-request.js";
import { newCompletionId, newToolCallId } from "./ids.js";
import { renderChatCompletion } from "./render-chat-completion.js";
import { createChatStreamEncoder } from "./stream-encoder.js";

/** What the OpenAI chat route needs from the gateway. */
export interface OpenAIChatServices {
  engine: Pick<ChatEngine, "stream" | "complete">;
  /** Thought signatures the gateway kept from its earlier answers, by tool-call id. */
  lookupSignatures(toolCallIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  settings: Pick<Config, "reasoningOutput" | "allowPrivateMediaUrls" | "mediaLimits" | "modelAliases">;
}

/**
 * `POST /v1/chat/completions`, streaming and not: the request translated to a Gemini plan (pure), the
 * engine's answer encoded as OpenAI chunks or rendered as one `chat.completion`.
 */
export function openAIChatRoutes(services: OpenAIChatServices): Router {
  const router = Router();
  const { engine, settings } = services;

  router.post("/v1/chat/completions", async (request, response) => {
    const chatRequest = parseChatCompletionRequest(request.body);
    const signal = requestSignal(request, response);
    // The answer names the model the client asked for; MODEL_ALIASES picks the Gemini model that serves it.
    const clientModel = clientModelName(chatRequest.model);
    const geminiModel = geminiModelId(resolveModelAlias(clientModel, settings.modelAliases));

    const remoteMedia = await fetchRemoteMediaForRequest(collectRemoteMediaUrls(chatRequest), {
      signal,
      allowPrivateAddresses: settings.allowPrivateMediaUrls,
      limits: settings.mediaLimits,
      response,
    });
    const toolCallIds = chatRequest.messages.flatMap((message) =>
      message.role === "assistant" ? (message.tool_calls ?? []).map((toolCall) => toolCall.id) : [],
    );
    const converted = convertChatRequest(
      { ...chatRequest, model: geminiModel },
      {
        thoughtSignatures: await services.lookupSignatures(toolCallIds),
        remoteMedia,
        reasoningOutput: settings.reasoningOutput,
      },
    );
    response.locals.model = converted.model;

    const plan: ChatPlan = { model: converted.model, body: converted.body, newToolCallId };
    const context = {
      id: newCompletionId(),
      created: Math.floor(Date.now() / 1000),
      model: clientModel,
      toolNames: converted.toolNames,
    };
    if (converted.stream) {
      const encoder = createChatStreamEncoder({ ...context, includeUsage: converted.includeUsage });
      await engine.stream(plan, signal, encoder, response);
    } else {
      response.json(renderChatCompletion(await engine.complete(plan, signal), context));
    }
  });

  return router;
}

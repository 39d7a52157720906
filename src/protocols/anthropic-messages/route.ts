import { type Request, type Response, Router } from "express";
import type { Config } from "../../config.js";
import type { ChatEngine } from "../../engine/chat-engine.js";
import type { ChatPlan } from "../../engine/chat-plan.js";
import { GatewayError } from "../../errors.js";
import { fetchRemoteMediaForRequest } from "../../media/fetch-remote-media-for-request.js";
import { requestSignal } from "../../routes/request-signal.js";
import {
  collectRemoteMediaUrls,
  collectToolUseIds,
  convertCountTokensRequest,
  convertMessagesRequest,
  type GeminiCountTokensRequest,
  type MessagesRequestContext,
} from "./convert-request.js";
import { toCountTokensResponse } from "./count-tokens.js";
import { createMessageStreamEncoder } from "./encode-stream.js";
import { adaptErrorForAnthropic } from "./errors.js";
import { newMessageId, newToolUseId } from "./ids.js";
import { renderMessage } from "./render-message.js";
import { type CountTokensRequest, parseCountTokensRequest, parseMessagesRequest } from "./request-schema.js";

/** What the Anthropic Messages routes need from the gateway. */
export interface AnthropicMessagesServices {
  engine: Pick<ChatEngine, "stream" | "complete">;
  /** Thought signatures the gateway kept from its earlier answers, by tool-use id. */
  lookupSignatures(toolUseIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Gemini `countTokens` over the key pool (src/services/gemini-token-counter.ts): its answer. */
  countTokens(model: string, body: GeminiCountTokensRequest, signal: AbortSignal): Promise<unknown>;
  settings: Pick<Config, "reasoningOutput" | "allowPrivateMediaUrls" | "mediaLimits" | "modelAliases">;
}

/**
 * `POST /v1/messages` (Claude Code adds `?beta=true`), streaming and not, and
 * `POST /v1/messages/count_tokens`: the request translated to Gemini (pure), answered by the engine over
 * the key pool, encoded as Anthropic's event stream or rendered as one message. A failure before the
 * first byte is a real status in Anthropic's envelope (errors.ts says which status Claude Code acts on);
 * after it, the encoder's `error` event.
 */
export function anthropicMessagesRoutes(services: AnthropicMessagesServices): Router {
  const router = Router();
  const { engine, settings } = services;

  /** Downloads the request's images and looks up its signatures, then translates (no I/O in there). */
  const contextFor = async (
    request: CountTokensRequest,
    signal: AbortSignal,
    response: Response,
  ): Promise<MessagesRequestContext> => {
    const remoteMedia = await fetchRemoteMediaForRequest(collectRemoteMediaUrls(request), {
      signal,
      allowPrivateAddresses: settings.allowPrivateMediaUrls,
      limits: settings.mediaLimits,
      response,
    });
    return {
      modelAliases: settings.modelAliases,
      thoughtSignatures: await services.lookupSignatures(collectToolUseIds(request)),
      remoteMedia,
      reasoningOutput: settings.reasoningOutput,
    };
  };

  router.post(
    "/v1/messages",
    inAnthropicTerms(async (request, response) => {
      const messagesRequest = parseMessagesRequest(request.body);
      const signal = requestSignal(request, response);
      const converted = convertMessagesRequest(
        messagesRequest,
        await contextFor(messagesRequest, signal, response),
      );
      response.locals.model = converted.model;

      const plan: ChatPlan = { model: converted.model, body: converted.body, newToolCallId: newToolUseId };
      const context = {
        messageId: newMessageId(),
        model: converted.requestedModel,
        toolNames: converted.toolNames,
        thinkingBlocks: converted.thinkingBlocks,
      };
      if (converted.stream) {
        await engine.stream(plan, signal, createMessageStreamEncoder(context), response);
      } else {
        response.json(renderMessage(await engine.complete(plan, signal), context));
      }
    }),
  );

  router.post(
    "/v1/messages/count_tokens",
    inAnthropicTerms(async (request, response) => {
      const countRequest = parseCountTokensRequest(request.body);
      const signal = requestSignal(request, response);
      const converted = convertCountTokensRequest(
        countRequest,
        await contextFor(countRequest, signal, response),
      );
      response.locals.model = converted.model;
      response.json(
        toCountTokensResponse(await services.countTokens(converted.model, converted.body, signal)),
      );
    }),
  );

  return router;
}

/** Passes the handler's failures on as Anthropic clients act on them (see `adaptErrorForAnthropic`). */
function inAnthropicTerms(handler: (request: Request, response: Response) => Promise<void>) {
  return async (request: Request, response: Response) => {
    try {
      await handler(request, response);
    } catch (error) {
      throw error instanceof GatewayError ? adaptErrorForAnthropic(error) : error;
    }
  };
}

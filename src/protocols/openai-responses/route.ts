import { Router } from "express";
import type { Config } from "../../config.js";
import type { ChatEngine } from "../../engine/chat-engine.js";
import type { ChatPlan } from "../../engine/chat-plan.js";
import { invalidRequest } from "../../errors.js";
import { fetchRemoteMediaForRequest } from "../../media/fetch-remote-media-for-request.js";
import { requestSignal } from "../../routes/request-signal.js";
import type { ResponseStore } from "../../store/response-store.js";
import { collectRemoteMediaUrls } from "./convert-input-items.js";
import { convertResponsesRequest } from "./convert-responses-request.js";
import { encodeResponsesStream } from "./encode-responses-stream.js";
import { listInputItems } from "./list-input-items.js";
import { renderResponse } from "./render-response.js";
import { parseResponsesRequest, type ResponsesInputItem } from "./request-schema.js";
import { newCallId, newResponseId, outputItemIds } from "./response-ids.js";
import { type ResponseObject, responseEcho, visibleResponse } from "./response-object.js";
import {
  conversationUpTo,
  loadStoredResponse,
  referencedItemsOf,
  responseNotFound,
  type StoredResponse,
  StoreReadBudget,
} from "./stored-responses.js";

/** What the Responses routes need from the gateway. */
export interface OpenAIResponsesServices {
  engine: Pick<ChatEngine, "stream" | "complete">;
  responses: ResponseStore;
  /** Thought signatures the gateway kept from its earlier answers, by call id. */
  lookupSignatures(callIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  settings: Pick<Config, "reasoningOutput" | "allowPrivateMediaUrls" | "mediaLimits" | "modelAliases">;
}

/**
 * `POST /v1/responses` (streaming and not), `GET` and `DELETE /v1/responses/{id}`, `GET
 * /v1/responses/{id}/input_items`: the OpenAI Responses
 * API that Codex CLI, the AI SDK's default OpenAI provider and the OpenAI Agents SDKs speak. The request
 * is translated to a Gemini plan (pure), the engine's answer encoded as Responses events or rendered as
 * one response object, and kept in the response store unless the client said `store: false`.
 */
export function openAIResponsesRoutes(services: OpenAIResponsesServices): Router {
  const router = Router();
  const { engine, responses, settings } = services;

  router.post("/v1/responses", async (request, response) => {
    const responsesRequest = parseResponsesRequest(request.body);
    const signal = requestSignal(request, response);

    const ownInput = Array.isArray(responsesRequest.input) ? responsesRequest.input : [];
    const budget = new StoreReadBudget();
    const history = responsesRequest.previous_response_id
      ? await conversationUpTo(responses, responsesRequest.previous_response_id, budget)
      : [];
    const referencedItems = await referencedItemsOf(responses, ownInput, budget);
    const everyItem = [...history, ...ownInput, ...referencedItems.values()];
    const converted = convertResponsesRequest(responsesRequest, {
      history,
      referencedItems,
      thoughtSignatures: await services.lookupSignatures(callIdsOf(everyItem)),
      remoteMedia: await fetchRemoteMediaForRequest(collectRemoteMediaUrls(everyItem), {
        signal,
        allowPrivateAddresses: settings.allowPrivateMediaUrls,
        limits: settings.mediaLimits,
        response,
        param: "input",
      }),
      modelAliases: settings.modelAliases,
      reasoningOutput: settings.reasoningOutput,
    });
    response.locals.model = converted.model;

    const id = newResponseId();
    const output = {
      header: {
        id,
        createdAt: Math.floor(Date.now() / 1000),
        model: responsesRequest.model,
        echo: responseEcho(responsesRequest),
      },
      newItemId: outputItemIds(id),
      tools: converted.tools,
      carrySignatures: converted.store || converted.includeEncryptedContent,
      includeEncryptedContent: converted.includeEncryptedContent,
    };
    const keep = (ended: ResponseObject) => {
      if (converted.store)
        responses.put(id, { response: ended, input: converted.inputItems } satisfies StoredResponse);
    };
    const plan: ChatPlan = { model: converted.model, body: converted.body, newToolCallId: newCallId };

    if (converted.stream) {
      // Kept before the last event goes out: the client's next turn may name it at once.
      await engine.stream(plan, signal, encodeResponsesStream({ ...output, onEnd: keep }), response);
      return;
    }
    const rendered = renderResponse(await engine.complete(plan, signal), {
      ...output,
      completedAt: Math.floor(Date.now() / 1000),
    });
    keep(rendered);
    response.json(visibleResponse(rendered, converted.includeEncryptedContent));
  });

  router.get("/v1/responses/:id", async (request, response) => {
    if (request.query.stream === "true") {
      throw invalidRequest("Streaming a stored response again is not supported by this gateway.", "stream");
    }
    const id = String(request.params.id);
    const stored = await loadStoredResponse(responses, id);
    if (stored === undefined) throw responseNotFound(id);
    const include = [request.query.include, request.query["include[]"]].flat();
    response.json(visibleResponse(stored.response, include.includes("reasoning.encrypted_content")));
  });

  router.get("/v1/responses/:id/input_items", async (request, response) => {
    const id = String(request.params.id);
    const stored = await loadStoredResponse(responses, id);
    if (stored === undefined) throw responseNotFound(id);
    response.json(listInputItems(id, stored.input, request.query));
  });

  router.delete("/v1/responses/:id", async (request, response) => {
    const id = String(request.params.id);
    if (!(await responses.delete(id))) throw responseNotFound(id);
    response.json({ id, object: "response.deleted", deleted: true });
  });

  return router;
}

function callIdsOf(items: readonly ResponsesInputItem[]): string[] {
  return items.flatMap((item) =>
    item.type === "function_call" || item.type === "custom_tool_call" ? [item.call_id] : [],
  );
}

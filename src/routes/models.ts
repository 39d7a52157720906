import { Router } from "express";
import { dispatch } from "../dispatch/dispatch.js";
import type { Gateway } from "../gateway.js";
import type { GeminiListModelsResponse, GeminiModel } from "../gemini/wire-types.js";
import type { KeyLease } from "../keys/key-pool.js";
import { requestSignal } from "./request-signal.js";

interface OpenAIModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/** Gemini's list carries no creation time; a fixed value keeps responses stable between calls. */
const MODEL_CREATED = 0;
/** Stop following `nextPageToken` after this many pages, whatever the upstream says. */
const MAX_PAGES = 50;

function toOpenAIModel(model: GeminiModel): OpenAIModel {
  return {
    id: model.name.replace(/^models\//, ""),
    object: "model",
    created: MODEL_CREATED,
    owned_by: "google",
  };
}

/** `GET /v1/models` (every upstream page) and `GET /v1/models/{id}`. */
export function modelsRoutes(gateway: Gateway): Router {
  const router = Router();

  async function getJson<T>(
    lease: KeyLease,
    path: string,
    query: URLSearchParams,
    signal: AbortSignal,
  ): Promise<T> {
    const attempt = await gateway.client.send({
      lease,
      method: "GET",
      path,
      query,
      signal,
      timeoutMs: gateway.config.requestTimeoutMs,
    });
    const body = (await attempt.body.json()) as T;
    attempt.started();
    return body;
  }

  router.get("/v1/models", async (request, response) => {
    const signal = requestSignal(request, response);
    const { value: models } = await dispatch(
      gateway.dispatcher,
      { model: undefined, signal },
      async (lease) => {
        const collected: GeminiModel[] = [];
        let pageToken: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const query = new URLSearchParams();
          if (pageToken) query.set("pageToken", pageToken);
          const body = await getJson<GeminiListModelsResponse>(lease, "/v1beta/models", query, signal);
          collected.push(...(body.models ?? []).filter((model) => typeof model?.name === "string"));
          pageToken = body.nextPageToken;
          if (!pageToken) break;
        }
        return collected;
      },
    );
    response.json({ object: "list", data: models.map(toOpenAIModel) });
  });

  router.get("/v1/models/:id", async (request, response) => {
    const signal = requestSignal(request, response);
    const id = String(request.params.id).replace(/^models\//, "");
    const { value: model } = await dispatch(gateway.dispatcher, { model: undefined, signal }, (lease) =>
      getJson<GeminiModel>(lease, `/v1beta/models/${encodeURIComponent(id)}`, new URLSearchParams(), signal),
    );
    response.json(toOpenAIModel(model));
  });

  return router;
}

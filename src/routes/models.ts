import { Router } from "express";
import { geminiModelId, withoutModelsPrefix } from "../gemini/model-id.js";
import type { GeminiModel } from "../gemini/wire-types.js";
import type { GeminiModels } from "../services/gemini-models.js";
import { requestSignal } from "./request-signal.js";

interface OpenAIModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/** Gemini's list carries no creation time; a fixed value keeps responses stable between calls. */
const MODEL_CREATED = 0;

function toOpenAIModel(model: GeminiModel): OpenAIModel {
  return { id: withoutModelsPrefix(model.name), object: "model", created: MODEL_CREATED, owned_by: "google" };
}

/** `GET /v1/models` (every upstream page) and `GET /v1/models/{id}`, in OpenAI's shape. */
export function modelsRoutes(models: Pick<GeminiModels, "list" | "get">): Router {
  const router = Router();

  router.get("/v1/models", async (request, response) => {
    const list = await models.list(requestSignal(request, response));
    response.json({ object: "list", data: list.map(toOpenAIModel) });
  });

  router.get("/v1/models/:id", async (request, response) => {
    const id = geminiModelId(String(request.params.id), "id");
    response.json(toOpenAIModel(await models.get(id, requestSignal(request, response))));
  });

  return router;
}

import { Router } from "express";
import { type ModelAlias, resolveModelAlias } from "../gemini/model-aliases.js";
import { clientModelName, geminiModelId } from "../gemini/model-id.js";
import { parseEmbeddingsRequest } from "../openai/embeddings-request-schema.js";
import type { GeminiEmbeddings } from "../services/gemini-embeddings.js";
import { convertEmbeddingsRequest } from "../translate/convert-embeddings-request.js";
import { convertEmbeddingsResponse } from "../translate/convert-embeddings-response.js";
import { requestSignal } from "./request-signal.js";

/** Gemini's batch answer carries no token count today; about four characters a token, OpenAI's rule of thumb. */
const CHARACTERS_PER_TOKEN = 4;

/**
 * `POST /v1/embeddings` in OpenAI's shape over Gemini `batchEmbedContents`: inputs split into batches of
 * at most 100, each dispatched on its own (see services/gemini-embeddings.ts).
 */
export function embeddingsRoutes(
  embeddings: Pick<GeminiEmbeddings, "embed">,
  settings: { modelAliases: readonly ModelAlias[] },
): Router {
  const router = Router();

  router.post("/v1/embeddings", async (request, response) => {
    const embeddingsRequest = parseEmbeddingsRequest(request.body);
    // The answer names the model the client asked for; MODEL_ALIASES picks the Gemini model that serves it.
    const clientModel = clientModelName(embeddingsRequest.model);
    const model = geminiModelId(resolveModelAlias(clientModel, settings.modelAliases));
    response.locals.model = model;
    const batches = convertEmbeddingsRequest(embeddingsRequest.inputs, {
      model,
      dimensions: embeddingsRequest.dimensions,
    });
    const result = await embeddings.embed(model, batches, requestSignal(request, response));
    const promptTokens =
      result.promptTokens ??
      embeddingsRequest.inputs.reduce((sum, text) => sum + Math.ceil(text.length / CHARACTERS_PER_TOKEN), 0);
    response.json(
      convertEmbeddingsResponse(result.vectors, {
        model: clientModel,
        encodingFormat: embeddingsRequest.encoding_format ?? "float",
        promptTokens,
      }),
    );
  });

  return router;
}

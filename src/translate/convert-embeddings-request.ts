import { withoutModelsPrefix } from "../gemini/model-id.js";

/**
 * OpenAI embeddings input → Gemini `batchEmbedContents` requests, at most 100 inputs per call, Gemini's
 * limit (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents). Each request names the
 * model of the URL, as Gemini demands.
 */

export const MAX_INPUTS_PER_BATCH = 100;

export interface GeminiEmbedRequest {
  model: string;
  content: { parts: Array<{ text: string }> };
  outputDimensionality?: number;
}

export interface GeminiBatchEmbedRequest {
  requests: GeminiEmbedRequest[];
}

export function convertEmbeddingsRequest(
  inputs: readonly string[],
  options: { model: string; dimensions?: number | null | undefined },
): GeminiBatchEmbedRequest[] {
  const model = `models/${withoutModelsPrefix(options.model)}`;
  const batches: GeminiBatchEmbedRequest[] = [];
  for (let start = 0; start < inputs.length; start += MAX_INPUTS_PER_BATCH) {
    batches.push({
      requests: inputs.slice(start, start + MAX_INPUTS_PER_BATCH).map((text) => ({
        model,
        content: { parts: [{ text }] },
        ...(options.dimensions ? { outputDimensionality: options.dimensions } : {}),
      })),
    });
  }
  return batches;
}

import { Router } from "express";
import { dispatch } from "../dispatch/dispatch.js";
import { GatewayError } from "../errors.js";
import type { Gateway } from "../gateway.js";
import { parseEmbeddingsRequest } from "../openai/embeddings-request-schema.js";
import { recordTokenUsage } from "../passthrough/token-usage.js";
import {
  convertEmbeddingsRequest,
  type GeminiBatchEmbedRequest,
} from "../translate/convert-embeddings-request.js";
import {
  convertEmbeddingsResponse,
  type GeminiBatchEmbedResponse,
  readBatchEmbeddings,
} from "../translate/convert-embeddings-response.js";
import { requestSignal } from "./request-signal.js";

/** Batches in flight at once for one request: fast for large inputs, gentle on per-minute quotas. */
const CONCURRENT_BATCHES = 4;
/** Gemini's batch answer carries no token count today; about four characters a token, OpenAI's rule of thumb. */
const CHARACTERS_PER_TOKEN = 4;

interface BatchResult {
  vectors: number[][];
  /** Google's own count, when the answer has one. */
  promptTokens: number | undefined;
}

/** Runs `work` over `items`, `limit` at a time, keeping the order of the results. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * `POST /v1/embeddings` in OpenAI's shape over Gemini `batchEmbedContents`. Inputs are split into batches
 * of at most 100; each batch goes through the dispatch loop on its own, so batches may use different
 * keys and one batch's 429 moves only that batch to another key.
 */
export function embeddingsRoutes(gateway: Gateway): Router {
  const router = Router();

  router.post("/v1/embeddings", async (request, response) => {
    const embeddingsRequest = parseEmbeddingsRequest(request.body);
    const model = embeddingsRequest.model.replace(/^models\//, "");
    response.locals.model = model;
    const clientSignal = requestSignal(request, response);
    // One failed batch ends the request: the batches still running stop at once.
    const stopBatches = new AbortController();
    const signal = AbortSignal.any([clientSignal, stopBatches.signal]);

    const embedBatch = async (batch: GeminiBatchEmbedRequest): Promise<BatchResult> => {
      const { value, lease } = await dispatch(gateway.dispatcher, { model, signal }, async (key) => {
        const attempt = await gateway.client.send({
          lease: key,
          method: "POST",
          path: `/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`,
          body: JSON.stringify(batch),
          signal,
          timeoutMs: gateway.config.requestTimeoutMs,
        });
        return attempt.json<GeminiBatchEmbedResponse>();
      });
      const vectors = readBatchEmbeddings(value, batch.requests.length);
      if (!vectors) {
        throw new GatewayError({
          status: 502,
          type: "server_error",
          code: "upstream_error",
          message: `The upstream answered a batch of ${batch.requests.length} inputs without exactly one embedding per input.`,
        });
      }
      const counted = value.usageMetadata?.promptTokenCount;
      const promptTokens = typeof counted === "number" ? counted : undefined;
      if (promptTokens !== undefined) {
        recordTokenUsage(gateway, model, lease.id, {
          prompt: promptTokens,
          completion: 0,
          reasoning: 0,
          cached: 0,
        });
      }
      return { vectors, promptTokens };
    };

    const batches = convertEmbeddingsRequest(embeddingsRequest.inputs, {
      model,
      dimensions: embeddingsRequest.dimensions,
    });
    let results: BatchResult[];
    try {
      results = await mapConcurrently(batches, CONCURRENT_BATCHES, embedBatch);
    } catch (error) {
      stopBatches.abort();
      throw error;
    }

    const counted = results.every((result) => result.promptTokens !== undefined);
    const promptTokens = counted
      ? results.reduce((sum, result) => sum + (result.promptTokens ?? 0), 0)
      : embeddingsRequest.inputs.reduce(
          (sum, text) => sum + Math.ceil(text.length / CHARACTERS_PER_TOKEN),
          0,
        );
    response.json(
      convertEmbeddingsResponse(
        results.flatMap((result) => result.vectors),
        { model, encodingFormat: embeddingsRequest.encoding_format ?? "float", promptTokens },
      ),
    );
  });

  return router;
}

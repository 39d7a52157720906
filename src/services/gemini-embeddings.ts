import type { Dispatcher } from "../dispatch/dispatch.js";
import type { UsageRecorder } from "../engine/usage-recorder.js";
import { GatewayError } from "../errors.js";
import { batchEmbedResponseShape } from "../gemini/wire-shapes.js";
import type { GeminiBatchEmbedRequest } from "../translate/convert-embeddings-request.js";
import { readBatchEmbeddings } from "../translate/convert-embeddings-response.js";

/** Batches in flight at once for one request: fast for large inputs, gentle on per-minute quotas. */
const CONCURRENT_BATCHES = 4;

export interface EmbeddedBatches {
  /** One vector per input, in order. */
  vectors: number[][];
  /** Google's own token count, when every batch answer had one. */
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
 * Gemini `batchEmbedContents` over the pool. Each batch goes through dispatch on its own, so batches
 * may use different keys and one batch's 429 moves only that batch to another key; one failed batch
 * ends the request and stops the batches still running.
 */
export class GeminiEmbeddings {
  constructor(
    private readonly dispatcher: Pick<Dispatcher, "dispatch">,
    private readonly usage: UsageRecorder,
  ) {}

  async embed(
    model: string,
    batches: readonly GeminiBatchEmbedRequest[],
    signal: AbortSignal,
  ): Promise<EmbeddedBatches> {
    const stopBatches = new AbortController();
    const batchSignal = AbortSignal.any([signal, stopBatches.signal]);
    const path = `/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`;

    const embedBatch = async (batch: GeminiBatchEmbedRequest) => {
      const body = JSON.stringify(batch);
      const { value, lease } = await this.dispatcher.dispatch({ model, signal: batchSignal }, (upstream) =>
        upstream.json({ method: "POST", path, body }, batchEmbedResponseShape),
      );
      const vectors = readBatchEmbeddings(value, batch.requests.length);
      if (!vectors) {
        throw new GatewayError({
          status: 502,
          type: "server_error",
          code: "upstream_error",
          message: `The upstream answered a batch of ${batch.requests.length} inputs without exactly one embedding per input.`,
        });
      }
      const promptTokens = value.usageMetadata?.promptTokenCount;
      if (promptTokens !== undefined) {
        this.usage.record(model, lease.id, {
          inputTokens: promptTokens,
          cachedInputTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          totalTokens: promptTokens,
        });
      }
      return { vectors, promptTokens };
    };

    let results: Array<{ vectors: number[][]; promptTokens: number | undefined }>;
    try {
      results = await mapConcurrently(batches, CONCURRENT_BATCHES, embedBatch);
    } catch (error) {
      stopBatches.abort();
      throw error;
    }
    const counted = results.every((result) => result.promptTokens !== undefined);
    return {
      vectors: results.flatMap((result) => result.vectors),
      promptTokens: counted
        ? results.reduce((sum, result) => sum + (result.promptTokens ?? 0), 0)
        : undefined,
    };
  }
}

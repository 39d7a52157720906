import type { KeyPool } from "../keys/key-pool.js";
import type { Metrics } from "../observability/metrics.js";
import type { AnswerUsage } from "./answer-events.js";

/** Where an answer's tokens are counted: the token metrics and the key's usage of the day. */
export interface UsageRecorder {
  record(model: string, keyId: string, usage: AnswerUsage): void;
}

export function createUsageRecorder(dependencies: {
  metrics: Pick<Metrics, "countTokens">;
  pool: Pick<KeyPool, "recordTokens">;
}): UsageRecorder {
  return {
    record(model, keyId, usage) {
      dependencies.metrics.countTokens(model, {
        prompt: usage.inputTokens,
        completion: usage.outputTokens,
        reasoning: usage.reasoningTokens,
        cached: usage.cachedInputTokens,
      });
      dependencies.pool.recordTokens(keyId, {
        promptTokens: usage.inputTokens,
        completionTokens: usage.outputTokens,
      });
    },
  };
}

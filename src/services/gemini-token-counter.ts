import { z } from "zod";
import type { Dispatcher } from "../dispatch/dispatch.js";

/**
 * Gemini's countTokens answer: `{"totalTokens": N, …}`. Proto-JSON leaves out fields at their default, so
 * the count may be absent (0); when present it must be a count.
 */
const countTokensAnswerShape = z.looseObject({ totalTokens: z.number().int().nonnegative().optional() });

export type CountTokensAnswer = z.infer<typeof countTokensAnswerShape>;

/**
 * Gemini `countTokens` over the key pool: the same dispatch loop as every call (rotation, failover,
 * the client's own mistakes never retried), charged to the model's quota as the native passthrough's
 * countTokens is.
 */
export class GeminiTokenCounter {
  constructor(private readonly dispatcher: Pick<Dispatcher, "dispatch">) {}

  async count(model: string, body: unknown, signal: AbortSignal): Promise<CountTokensAnswer> {
    const request = {
      method: "POST" as const,
      path: `/v1beta/models/${encodeURIComponent(model)}:countTokens`,
      body: JSON.stringify(body),
    };
    const { value } = await this.dispatcher.dispatch({ model, signal }, (upstream) =>
      upstream.json(request, countTokensAnswerShape),
    );
    return value;
  }
}

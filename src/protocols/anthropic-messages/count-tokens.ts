import { GatewayError } from "../../errors.js";

/** Anthropic's answer to `POST /v1/messages/count_tokens`. */
export interface CountTokensResponse {
  input_tokens: number;
}

/**
 * Gemini's countTokens answer (`{"totalTokens": N, …}`) → `{"input_tokens": N}`, read permissively.
 * Proto-JSON leaves out fields at their default, so an object without `totalTokens` counts 0; a body that
 * is not an object, or a count that is not a number, is an upstream fault.
 */
export function toCountTokensResponse(geminiBody: unknown): CountTokensResponse {
  if (typeof geminiBody === "object" && geminiBody !== null && !Array.isArray(geminiBody)) {
    const totalTokens = "totalTokens" in geminiBody ? geminiBody.totalTokens : 0;
    if (typeof totalTokens === "number" && Number.isInteger(totalTokens) && totalTokens >= 0) {
      return { input_tokens: totalTokens };
    }
  }
  throw new GatewayError({
    status: 502,
    type: "server_error",
    code: "upstream_error",
    message: "Gemini's countTokens answer held no token count.",
  });
}

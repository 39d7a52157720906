import type { Config } from "../../config.js";
import { type DispatchDependencies, dispatch } from "../../dispatch/dispatch.js";
import type { GeminiClient } from "../../upstream/gemini-client.js";
import type { GeminiCountTokensRequest } from "./convert-request.js";

export interface CountTokensDependencies {
  dispatcher: DispatchDependencies;
  client: Pick<GeminiClient, "send">;
  settings: Pick<Config, "requestTimeoutMs">;
}

/**
 * Gemini `countTokens` over the key pool: the same dispatch loop as every route (rotation, failover,
 * cooldowns, the client's own mistakes never retried), with the model's quota as the native passthrough
 * counts it. Resolves to Gemini's JSON answer.
 */
export async function sendCountTokens(
  dependencies: CountTokensDependencies,
  model: string,
  body: GeminiCountTokensRequest,
  signal: AbortSignal,
): Promise<unknown> {
  const serialized = JSON.stringify(body);
  const { value } = await dispatch(dependencies.dispatcher, { model, signal }, async (lease) => {
    const attempt = await dependencies.client.send({
      lease,
      method: "POST",
      path: `/v1beta/models/${encodeURIComponent(model)}:countTokens`,
      body: serialized,
      signal,
      timeoutMs: dependencies.settings.requestTimeoutMs,
    });
    return attempt.json<unknown>();
  });
  return value;
}

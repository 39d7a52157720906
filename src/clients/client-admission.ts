import { GatewayError } from "../errors.js";
import { normalizeModel } from "../keys/key-pool.js";
import type { Logger } from "../observability/logger.js";
import type { RequestFacts } from "../observability/request-context.js";
import type { Admission, ClientLimits, LimitUsage } from "./client-limits.js";
import { allowsModel, type ClientToken, type LimitKind } from "./client-token.js";
import type { ClientTokens } from "./client-tokens.js";

const LIMIT_WORDS: Record<LimitKind, string> = {
  requestsPerMinute: "requests per minute",
  requestsPerDay: "requests per day",
  tokensPerDay: "tokens per day",
};

/**
 * The check every upstream call of a client-token request passes before a key is spent (dispatch calls
 * it): the model must match the token's patterns (every call), and the token's limits must have room
 * (once per request). A refusal is a `GatewayError` the route's envelope writes: 403 for the model,
 * 429 with `Retry-After` for a limit.
 */
export function createClientAdmission(dependencies: {
  tokens: Pick<ClientTokens, "get">;
  limits: Pick<ClientLimits, "admit">;
  /** The limits' counters after the request was admitted or refused (the alerts watch them). */
  onUsage: (token: ClientToken, usage: readonly LimitUsage[]) => void;
  logger: Logger;
}): (facts: RequestFacts | undefined, model: string | undefined) => Promise<void> {
  return async (facts, model) => {
    const client = facts?.client;
    if (!client) return;
    const token = dependencies.tokens.get(client.name);
    if (!token) {
      throw new GatewayError({
        status: 401,
        type: "authentication_error",
        code: "invalid_api_key",
        message: `The client token "${client.name}" was deleted.`,
      });
    }
    if (model !== undefined && !allowsModel(token, normalizeModel(model))) {
      client.refused = "model";
      throw new GatewayError({
        status: 403,
        type: "permission_error",
        code: "model_not_allowed",
        message: `The client token "${token.name}" may not use the model ${normalizeModel(model)}; it may use ${token.models.join(", ")}.`,
        param: "model",
      });
    }
    if (client.admitted) return;
    let admission: Admission;
    try {
      admission = await dependencies.limits.admit(token);
    } catch (error) {
      // Counting failed altogether (not even the in-memory fallback answered): serve rather than refuse.
      dependencies.logger.warn(
        { tokenName: token.name, error: (error as Error).message },
        "could not count a client token's limits; request let through",
      );
      client.admitted = true;
      return;
    }
    dependencies.onUsage(token, admission.usage);
    if (admission.admitted) {
      client.admitted = true;
      return;
    }
    client.refused = "limit";
    throw limitError(token, admission.limit, admission.limitValue, admission.retryAfterMs);
  };
}

function limitError(token: ClientToken, limit: LimitKind, value: number, retryAfterMs: number): GatewayError {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const daily = limit !== "requestsPerMinute";
  return new GatewayError({
    status: 429,
    type: "rate_limit_error",
    code: "client_token_limit_exceeded",
    message: `The client token "${token.name}" has used its ${value} ${LIMIT_WORDS[limit]}; ${
      daily ? "the day turns at midnight Pacific time, in" : "try again in"
    } ${seconds} s.`,
    headers: {
      "retry-after": String(seconds),
      "retry-after-ms": String(Math.ceil(retryAfterMs)),
      // SDKs that read it stop retrying a limit that lasts for the rest of the day.
      ...(daily ? { "x-should-retry": "false" } : {}),
    },
  });
}

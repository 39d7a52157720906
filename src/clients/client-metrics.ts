import { Counter, type Registry } from "prom-client";

export type ClientOutcome = "ok" | "error" | "refused_limit" | "refused_model";

/**
 * Per client token, in the gateway's registry: requests by outcome and tokens by type. The `token`
 * label is the token's name (bounded: at most `MAX_CLIENT_TOKENS` names, each checked when created),
 * never its secret.
 */
export class ClientMetrics {
  private readonly requests: Counter<"token" | "outcome">;
  private readonly tokens: Counter<"token" | "type">;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: "gateway_client_requests_total",
      help: "API requests made with a named client token, by token name and outcome (ok, error, refused_limit, refused_model)",
      labelNames: ["token", "outcome"] as const,
      registers: [registry],
    });
    this.tokens = new Counter({
      name: "gateway_client_tokens_total",
      help: "Tokens the upstream reported for requests of a named client token, by token name and type",
      labelNames: ["token", "type"] as const,
      registers: [registry],
    });
  }

  request(token: string, outcome: ClientOutcome): void {
    this.requests.inc({ token, outcome });
  }

  countTokens(
    token: string,
    tokens: { prompt: number; completion: number; reasoning: number; cached: number },
  ): void {
    for (const type of ["prompt", "completion", "reasoning", "cached"] as const) {
      if (tokens[type] > 0) this.tokens.inc({ token, type }, tokens[type]);
    }
  }
}

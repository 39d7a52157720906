import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { KeyState } from "../keys/key-pool.js";

export type UpstreamOutcome =
  | "ok"
  | "rate_limited"
  | "quota_exhausted"
  | "invalid_key"
  | "server_error"
  | "client_error"
  | "network_error"
  | "timeout";

export type TokenType = "prompt" | "completion" | "reasoning" | "cached";

/**
 * The metric families of ../shared/CONTRACT.md, in a registry of their own (one per app, so tests can
 * run several). No label ever holds a key, a prompt or a client token.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: "gateway_http_requests_total",
    help: "HTTP requests answered, by route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "gateway_http_request_duration_seconds",
    help: "Time from request to the end of the response",
    labelNames: ["route"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly upstreamRequests = new Counter({
    name: "gateway_upstream_requests_total",
    help: "Upstream attempts, by model and outcome",
    labelNames: ["model", "outcome"] as const,
    registers: [this.registry],
  });
  readonly upstreamFirstByte = new Histogram({
    name: "gateway_upstream_first_byte_seconds",
    help: "Time until the upstream started answering (headers, or a stream's first event)",
    labelNames: ["model"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly keys: Gauge<"state">;
  readonly failovers = new Counter({
    name: "gateway_key_failovers_total",
    help: "Attempts moved to another key, by the reason the previous key failed",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: "gateway_tokens_total",
    help: "Tokens reported by the upstream, by model and type",
    labelNames: ["model", "type"] as const,
    registers: [this.registry],
  });

  constructor(options: { keyCounts: () => Record<KeyState, number>; defaultMetrics?: boolean }) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.keys = new Gauge({
      name: "gateway_keys",
      help: "Keys by state",
      labelNames: ["state"] as const,
      registers: [this.registry],
      // Read at scrape time, so the gauge is never stale.
      collect() {
        const counts = options.keyCounts();
        for (const state of ["active", "cooling", "disabled"] as const) this.set({ state }, counts[state]);
      },
    });
  }

  countTokens(
    model: string,
    usage: { prompt: number; completion: number; reasoning: number; cached: number },
  ): void {
    for (const type of ["prompt", "completion", "reasoning", "cached"] as const) {
      if (usage[type] > 0) this.tokens.inc({ model, type }, usage[type]);
    }
  }
}

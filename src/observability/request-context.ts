import { AsyncLocalStorage } from "node:async_hooks";
import type { UpstreamOutcome } from "./upstream-outcome.js";

/** The kinds of tokens an answer reports, as the metrics and the request's log line count them. */
export type TokenType = "prompt" | "completion" | "reasoning" | "cached";

/**
 * What one client request did upstream, gathered while it runs and written in its log line: the key
 * that served it (by id), how many upstream attempts it took, the upstream's latency and the tokens.
 * Dispatch and the metrics fill it in through the functions below, so no route has to thread it along.
 */
export interface RequestFacts {
  /** The named client token the request came with (the auth middleware sets it), and how it fared. */
  client?: ClientRequest;
  /** The id (never the key) of the last key an attempt used. */
  keyId?: string;
  attempts: number;
  /** The model whose quota the request spent, as the metrics label it. */
  model?: string;
  /** Time until the upstream started answering, on the attempt that succeeded. */
  upstreamLatencyMs?: number;
  tokens?: Record<TokenType, number>;
  /** Each upstream attempt's key, model (as labelled) and outcome, for the usage history. */
  outcomes?: Array<{ keyId: string; model: string; outcome: UpstreamOutcome }>;
  /** `performance.now()` when the upstream started answering the attempt that succeeded. */
  answerStartedAt?: number;
  /** What went wrong, as the client was told (secrets removed). */
  error?: string;
}

/** A request made with a named client token: the token's name, never its secret. */
export interface ClientRequest {
  readonly name: string;
  /** Its request limits were taken (once per request, however many upstream calls it makes). */
  admitted: boolean;
  /** Refused before any key was spent: over one of its limits, or a model it may not use. */
  refused?: "limit" | "model";
}

const storage = new AsyncLocalStorage<RequestFacts>();

/** Runs `next` (the rest of the middleware chain) with a fresh record of facts. */
export function runWithRequestFacts(facts: RequestFacts, next: () => void): void {
  storage.run(facts, next);
}

/** Runs `work` with its own record of facts (a key check's probe, which is no client request). */
export function withRequestFacts<T>(facts: RequestFacts, work: () => T): T {
  return storage.run(facts, work);
}

export function currentRequestFacts(): RequestFacts | undefined {
  return storage.getStore();
}

/** The current request came with this named client token. */
export function noteClientToken(name: string): void {
  const facts = storage.getStore();
  if (facts) facts.client = { name, admitted: false };
}

/** An attempt of the current request goes upstream with this key. */
export function noteUpstreamKey(keyId: string): void {
  const facts = storage.getStore();
  if (facts) facts.keyId = keyId;
}

/** An upstream attempt of the current request ended (in success or failure). */
export function noteUpstreamAttempt(model: string, outcome: UpstreamOutcome): void {
  const facts = storage.getStore();
  if (!facts) return;
  facts.model ??= model;
  facts.attempts += 1;
  if (facts.keyId === undefined) return;
  facts.outcomes ??= [];
  facts.outcomes.push({ keyId: facts.keyId, model, outcome });
}

export function noteUpstreamLatency(model: string, seconds: number): void {
  const facts = storage.getStore();
  if (!facts) return;
  facts.model ??= model;
  facts.upstreamLatencyMs = Math.round(seconds * 1000);
  facts.answerStartedAt = performance.now();
}

/** The request failed (before or after its answer started) with this message, secrets already removed. */
export function noteRequestError(message: string): void {
  const facts = storage.getStore();
  if (facts) facts.error = message;
}

export function noteTokens(model: string, usage: Record<TokenType, number>): void {
  const facts = storage.getStore();
  if (!facts) return;
  facts.model ??= model;
  facts.tokens ??= { prompt: 0, completion: 0, reasoning: 0, cached: 0 };
  const tokens = facts.tokens;
  for (const type of ["prompt", "completion", "reasoning", "cached"] as const) tokens[type] += usage[type];
}

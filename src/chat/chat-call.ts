import { randomBytes } from "node:crypto";
import type { DispatchDependencies } from "../dispatch/dispatch.js";
import type { Gateway } from "../gateway.js";
import type { GeminiUsageMetadata } from "../gemini/wire-types.js";
import type { KeyLease } from "../keys/key-pool.js";
import { recordTokenUsage, usageFromGemini } from "../passthrough/token-usage.js";
import type { UpstreamAttempt } from "../upstream/gemini-client.js";

/** What both the streaming and the non-streaming path need to know about one chat request. */
export interface ChatCall {
  gateway: Gateway;
  dispatcher: DispatchDependencies;
  /** The Gemini model, as the client named it. */
  model: string;
  /** The Gemini request body, serialized once for every attempt. */
  body: string;
  signal: AbortSignal;
  /** `chatcmpl-…`, the same on every chunk. */
  id: string;
  created: number;
}

export function newCompletionId(): string {
  return `chatcmpl-${randomBytes(12).toString("base64url")}`;
}

export function newToolCallId(): string {
  return `call_${randomBytes(12).toString("base64url")}`;
}

/** One upstream call of a chat request on one key. */
export function sendGenerate(call: ChatCall, lease: KeyLease, stream: boolean): Promise<UpstreamAttempt> {
  const model = encodeURIComponent(call.model.replace(/^models\//, ""));
  return call.gateway.client.send({
    lease,
    method: "POST",
    path: `/v1beta/models/${model}:${stream ? "streamGenerateContent" : "generateContent"}`,
    ...(stream ? { query: new URLSearchParams({ alt: "sse" }) } : {}),
    body: call.body,
    signal: call.signal,
    timeoutMs: call.gateway.config.requestTimeoutMs,
  });
}

/** Counts a finished call's tokens in the metrics and in the key's usage of the day. */
export function recordUsage(call: ChatCall, keyId: string, usage: GeminiUsageMetadata | undefined): void {
  recordTokenUsage(call.gateway, call.model, keyId, usageFromGemini({ usageMetadata: usage }));
}

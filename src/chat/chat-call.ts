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

/** Random bytes drawn in blocks: one `randomBytes` call per id costs more than the rest of the id. */
const ID_BYTES = 12;
const POOL_BYTES = ID_BYTES * 256;
let idPool = Buffer.alloc(0);
let idOffset = POOL_BYTES;

function randomId(): string {
  if (idOffset >= idPool.length) {
    idPool = randomBytes(POOL_BYTES);
    idOffset = 0;
  }
  const id = idPool.toString("base64url", idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

export function newCompletionId(): string {
  return `chatcmpl-${randomId()}`;
}

export function newToolCallId(): string {
  return `call_${randomId()}`;
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

import type { KeyLease } from "../keys/key-pool.js";
import type { UpstreamAttempt } from "../upstream/gemini-client.js";
import type { ChatEngineDependencies } from "./chat-engine.js";

/** One attempt's call: the plan's model, its body serialized once for every attempt. */
export interface GenerateCall {
  model: string;
  body: string;
  signal: AbortSignal;
}

/** One upstream call of a chat answer on one key: generateContent, or its SSE stream. */
export function sendGenerate(
  dependencies: ChatEngineDependencies,
  call: GenerateCall,
  lease: KeyLease,
  stream: boolean,
): Promise<UpstreamAttempt> {
  const model = encodeURIComponent(call.model.replace(/^models\//, ""));
  return dependencies.client.send({
    lease,
    method: "POST",
    path: `/v1beta/models/${model}:${stream ? "streamGenerateContent" : "generateContent"}`,
    ...(stream ? { query: new URLSearchParams({ alt: "sse" }) } : {}),
    body: call.body,
    signal: call.signal,
    timeoutMs: dependencies.settings.requestTimeoutMs,
  });
}

import type { UpstreamRequest } from "../upstream/gemini-client.js";

/** The upstream call of a chat answer: generateContent, or its SSE stream. `body` is serialized once. */
export function generateRequest(model: string, body: string, stream: boolean): UpstreamRequest {
  const path = `/v1beta/models/${encodeURIComponent(model)}:${stream ? "streamGenerateContent" : "generateContent"}`;
  return stream
    ? { method: "POST", path, query: new URLSearchParams({ alt: "sse" }), body }
    : { method: "POST", path, body };
}

/**
 * Writes a stream in one of three framings:
 * - "sse": Gemini's `alt=sse`, each event `data: <one-line JSON>\r\n\r\n`, no `[DONE]` (reference §3);
 * - "json-array": Gemini without `alt=sse`, a pretty-printed JSON array built up over time;
 * - "openai-sse": Google's OpenAI layer, `data: <JSON>\n\n` ending with `data: [DONE]`.
 * and ends it cleanly, with an error inside the 200 body, or by destroying the socket.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Exchange } from "./exchange.js";
import { toPrettyJson, toSseLineJson } from "./json.js";
import { dropConnection, googleHeaders, writeHead } from "./respond.js";
import type { ErrorReply } from "./types.js";

export type StreamFormat = "sse" | "json-array" | "openai-sse";

export type StreamEnding =
  | { kind: "end" }
  | { kind: "error"; reply: ErrorReply; form: "sse-event" | "bare-json" }
  | { kind: "drop" };

export interface StreamPlan {
  format: StreamFormat;
  chunks: readonly unknown[];
  paceMs: number;
  /** Awaited before each chunk after the first (see `StreamShape.gate`). */
  gate?: ((index: number) => Promise<void>) | undefined;
  framing: "crlf" | "lf";
  ending: StreamEnding;
}

const CONTENT_TYPES: Record<StreamFormat, string> = {
  sse: "text/event-stream",
  "json-array": "application/json; charset=UTF-8",
  "openai-sse": "text/event-stream",
};

function encodeChunk(plan: StreamPlan, chunk: unknown, index: number): string {
  switch (plan.format) {
    case "sse":
      return `data: ${toSseLineJson(chunk)}${plan.framing === "crlf" ? "\r\n\r\n" : "\n\n"}`;
    case "openai-sse":
      return `data: ${JSON.stringify(chunk)}\n\n`;
    case "json-array":
      return `${index === 0 ? "[" : "\n,\r\n"}${toPrettyJson(chunk)}`;
  }
}

function encodeEnding(plan: StreamPlan): string {
  const { ending, format } = plan;
  if (ending.kind === "drop") return "";
  if (ending.kind === "end") {
    if (format === "json-array") return plan.chunks.length === 0 ? "[]" : "\n]";
    return format === "openai-sse" ? "data: [DONE]\n\n" : "";
  }
  if (format === "json-array")
    return `${plan.chunks.length === 0 ? "[" : "\n,\r\n"}${toPrettyJson(ending.reply.body)}\n]`;
  if (ending.form === "bare-json") return toPrettyJson(ending.reply.body);
  const body = format === "sse" ? toSseLineJson(ending.reply.body) : JSON.stringify(ending.reply.body);
  return `data: ${body}${plan.framing === "crlf" && format === "sse" ? "\r\n\r\n" : "\n\n"}`;
}

function write(exchange: Exchange, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text === "" || exchange.response.destroyed) resolve();
    else exchange.response.write(text, () => resolve());
  });
}

/** A gate that never opens must not keep the fake from closing. */
function untilGateOpens(gate: Promise<void>, lifetime: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = () => reject(lifetime.reason);
    if (lifetime.aborted) return closed();
    lifetime.addEventListener("abort", closed, { once: true });
    gate.then(() => {
      lifetime.removeEventListener("abort", closed);
      resolve();
    }, reject);
  });
}

/** Rejects with an AbortError when the fake closes; the server ignores it. */
export async function writeStream(
  exchange: Exchange,
  plan: StreamPlan,
  lifetime: AbortSignal,
): Promise<void> {
  const { response } = exchange;
  if (plan.ending.kind === "drop" && plan.chunks.length === 0) {
    dropConnection(exchange);
    return;
  }
  const headers = googleHeaders(CONTENT_TYPES[plan.format], exchange.startedAt);
  if (plan.format !== "json-array") headers["content-disposition"] = "attachment";
  writeHead(exchange, 200, headers);
  response.flushHeaders();

  let lastWrite: Promise<void> = Promise.resolve();
  // Unpaced chunks leave in one TCP write: cheaper for the load benchmark. Pace them to split them.
  const corked = plan.paceMs === 0 && plan.gate === undefined;
  if (corked) response.cork();
  for (const [index, chunk] of plan.chunks.entries()) {
    if (index > 0 && !corked) await sleep(plan.paceMs, undefined, { signal: lifetime });
    if (index > 0 && plan.gate) await untilGateOpens(plan.gate(index), lifetime);
    if (response.destroyed) return;
    lastWrite = write(exchange, encodeChunk(plan, chunk, index));
  }
  if (corked) response.uncork();
  if (plan.ending.kind !== "end" && plan.paceMs > 0 && plan.chunks.length > 0) {
    await sleep(plan.paceMs, undefined, { signal: lifetime });
  }
  if (response.destroyed) return;
  if (plan.ending.kind === "drop") {
    // Let the chunks reach the socket first, so the client sees them before the connection breaks.
    await lastWrite;
    dropConnection(exchange);
    return;
  }
  response.end(encodeEnding(plan));
}

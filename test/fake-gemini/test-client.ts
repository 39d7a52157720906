/**
 * A tiny HTTP client for tests that talk to the fake directly (raw bytes matter, so no SDK in between).
 */
import type { FakeGemini } from "./types.js";

export interface FakeCall {
  method?: string;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Sent as `x-goog-api-key`. */
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface FakeAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or `undefined` when it is not JSON. */
  json: unknown;
}

export async function callFake(
  fake: Pick<FakeGemini, "url">,
  path: string,
  call: FakeCall = {},
): Promise<FakeAnswer> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.apiKey !== undefined) headers["x-goog-api-key"] = call.apiKey;
  if (call.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${fake.url}${path}`, {
    method: call.method ?? (call.body === undefined ? "GET" : "POST"),
    headers,
    body:
      call.body === undefined
        ? undefined
        : typeof call.body === "string"
          ? call.body
          : JSON.stringify(call.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The JSON payloads of `data:` events, split on either delimiter. */
export function sseEvents(text: string): unknown[] {
  return text
    .split(/\r\n\r\n|\n\n/)
    .filter((event) => event.startsWith("data:"))
    .map((event) => event.slice("data:".length).trim())
    .filter((data) => data !== "[DONE]")
    .map((data) => JSON.parse(data));
}

/**
 * Talking to the fake directly, as Gemini's own clients do (raw bytes matter, so no SDK in between):
 * the project's one HTTP helper (test/support/http.ts) with the key in `x-goog-api-key`.
 */
import { type HttpAnswer, request } from "../support/http.js";
import { parseSse } from "../support/sse.js";
import type { FakeGemini } from "./types.js";

export interface FakeCall {
  method?: string;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Sent as `x-goog-api-key`. */
  apiKey?: string;
  headers?: Record<string, string>;
}

/** Status, headers, the raw text and, when the body is JSON, the parsed value. */
export type FakeAnswer = HttpAnswer;

export function callFake(
  fake: Pick<FakeGemini, "url">,
  path: string,
  call: FakeCall = {},
): Promise<FakeAnswer> {
  return request(`${fake.url}${path}`, {
    ...(call.method === undefined ? {} : { method: call.method }),
    body: call.body,
    token: null,
    headers: { ...call.headers, ...(call.apiKey === undefined ? {} : { "x-goog-api-key": call.apiKey }) },
  });
}

/** The JSON payloads of a stream's `data:` events, `[DONE]` left out, whichever framing it uses. */
export function sseEvents(text: string): unknown[] {
  return parseSse(text)
    .events.filter((event) => event.data !== "[DONE]")
    .map((event) => JSON.parse(event.data));
}

import { createParser } from "eventsource-parser";
import { generateContentResponseShape } from "../gemini/wire-shapes.js";
import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import { googleErrorFacts, parseGeminiErrorBody, UpstreamError } from "./upstream-error.js";

/** A stream event larger than this is not a Gemini chunk; stop rather than buffer without bound. */
const MAX_EVENT_CHARS = 32 * 1024 * 1024;

/**
 * Reads Gemini's `streamGenerateContent?alt=sse` body incrementally: one parsed chunk per SSE event,
 * whatever the framing (CRLF or LF) and however the bytes are split. An error object inside the stream,
 * as a `data:` event or as bare (possibly pretty-printed) JSON, becomes an `UpstreamError` of kind
 * `stream`; so does a connection that breaks, and an event that is not a Gemini chunk (each passes the
 * same light shape check as a whole answer, src/gemini/wire-shapes.ts).
 */
export async function* readGeminiStream(
  body: AsyncIterable<Uint8Array>,
  redact: (text: string) => string = (text) => text,
): AsyncGenerator<GeminiGenerateContentResponse, void, undefined> {
  const pending: GeminiGenerateContentResponse[] = [];
  let failure: UpstreamError | undefined;
  // The last bytes seen, to find a bare JSON error that ends the stream outside any `data:` line.
  let tail = "";

  const fail = (text: string) => {
    const errorBody = parseGeminiErrorBody(text);
    const message = redact(errorBody?.error.message ?? `unreadable stream event: ${text.slice(0, 200)}`);
    failure ??= new UpstreamError("stream", message, {
      status: errorBody?.error.code,
      body: errorBody,
      ...googleErrorFacts(errorBody),
    });
  };

  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent(event) {
      const data = event.data;
      if (data === "[DONE]") return;
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        fail(data);
        return;
      }
      const checked =
        chunk !== null && typeof chunk === "object" && !("error" in chunk)
          ? generateContentResponseShape.safeParse(chunk)
          : undefined;
      if (checked?.success) pending.push(checked.data);
      else fail(data);
    },
    onError(error) {
      if (error.type === "max-buffer-size-exceeded") {
        failure ??= new UpstreamError("stream", "upstream stream event too large");
      }
    },
  });

  const decoder = new TextDecoder();
  try {
    for await (const bytes of body) {
      const text = decoder.decode(bytes, { stream: true });
      tail = tail.length > MAX_TAIL_CHARS * 2 ? tail.slice(-MAX_TAIL_CHARS) + text : tail + text;
      parser.feed(text);
      for (const chunk of pending.splice(0)) yield chunk;
      if (failure) throw failure;
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError("stream", redact(`upstream stream interrupted: ${(error as Error).message}`), {
      cause: error,
    });
  }
  parser.feed(decoder.decode());
  parser.reset({ consume: true });
  for (const chunk of pending.splice(0)) yield chunk;
  if (!failure) {
    const bareError = findBareError(tail);
    if (bareError) fail(bareError);
  }
  if (failure) throw failure;
}

const MAX_TAIL_CHARS = 64 * 1024;

/** A `{"error": …}` object at the end of the stream that no `data:` line carried. */
function findBareError(tail: string): string | undefined {
  const pattern = /(^|[\r\n])\s*\[?\s*\{\s*"error"\s*:/g;
  let start: number | undefined;
  for (let match = pattern.exec(tail); match; match = pattern.exec(tail))
    start = match.index + (match[1] ?? "").length;
  if (start === undefined) return undefined;
  const candidate = tail.slice(start).trim();
  return parseGeminiErrorBody(candidate) ? candidate : undefined;
}

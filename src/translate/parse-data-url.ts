import type { GeminiInlineData } from "../gemini/wire-types.js";

/**
 * Reads a `data:` URL (RFC 2397) into Gemini's inlineData. Clients send base64 (`data:image/png;base64,…`);
 * a percent-encoded payload is decoded byte by byte (it may be binary, not UTF-8) and re-encoded as
 * base64 because Gemini takes only base64. As in browsers (the WHATWG URL standard's percent-decode), a
 * `%` not followed by two hex digits stays as it is. Returns undefined for anything that is not a data URL.
 */
export function parseDataUrl(url: string): GeminiInlineData | undefined {
  if (!url.startsWith("data:")) return undefined;
  const commaPosition = url.indexOf(",");
  if (commaPosition === -1) return undefined;
  const header = url.slice("data:".length, commaPosition);
  const payload = url.slice(commaPosition + 1);
  const headerFields = header.split(";");
  const isBase64 = headerFields.at(-1)?.toLowerCase() === "base64";
  const mimeType = headerFields[0]?.trim().toLowerCase() || "text/plain";
  if (isBase64) return { mimeType, data: payload.replace(/\s+/g, "") };
  return { mimeType, data: percentDecode(payload).toString("base64") };
}

/**
 * The bytes percent-encoded text stands for. Hand-written because decodeURIComponent throws on bytes that
 * are not UTF-8 (`%89PNG…` is a valid data URL) and on a stray `%`, querystring.unescape turns such bytes
 * into U+FFFD, and Node's byte-level decoder is not public API.
 */
function percentDecode(text: string): Buffer {
  // split() with a capturing group puts the matched escapes at the odd positions.
  const pieces = text.split(/(%[0-9A-Fa-f]{2})/);
  return Buffer.concat(
    pieces.map((piece, position) =>
      position % 2 === 1 ? Buffer.of(Number.parseInt(piece.slice(1), 16)) : Buffer.from(piece, "utf8"),
    ),
  );
}

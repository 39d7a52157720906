import { unescape as percentDecode } from "node:querystring";
import type { GeminiInlineData } from "../gemini/wire-types.js";

/**
 * Reads a `data:` URL (RFC 2397) into Gemini's inlineData. Clients send base64 (`data:image/png;base64,…`);
 * a percent-encoded payload is re-encoded as base64 because Gemini takes only base64. Returns undefined
 * for anything that is not a data URL.
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
  const data = isBase64
    ? payload.replace(/\s+/g, "")
    : // Unlike decodeURIComponent, a "%" without two hex digits stays as it is instead of throwing.
      Buffer.from(percentDecode(payload), "utf8").toString("base64");
  return { mimeType, data };
}

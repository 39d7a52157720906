import { parseClientJson } from "./json-depth.js";

/**
 * A tool message's content as `functionResponse.response`. Gemini requires a JSON object there and, by
 * convention, reads the result under `output` (ai.google.dev: FunctionResponse.response). A JSON object
 * result is passed as-is (so `{"error": …}` keeps its meaning); anything else is wrapped as
 * `{ output: … }`. Roo's "(empty)" and empty results become `{ output: "" }`: the object is never empty
 * of meaning and no empty text part is ever sent. `path` names the field in a client error (JSON nested
 * too deep).
 */
export function toFunctionResponseBody(
  content: string | Array<{ text: string }> | null | undefined,
  path: string,
): Record<string, unknown> {
  const text = typeof content === "string" ? content : (content ?? []).map((part) => part.text).join("");
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "(empty)") return { output: "" };
  const firstCharacter = trimmed[0];
  // Only text that looks like a JSON object or array is parsed: "42" or "true" stay the strings they were.
  if (firstCharacter === "{" || firstCharacter === "[") {
    const parsed = parseClientJson(trimmed, path);
    if (isPlainObject(parsed)) return parsed;
    if (Array.isArray(parsed)) return { output: parsed };
  }
  return { output: text };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

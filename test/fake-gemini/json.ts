/**
 * Google's two JSON spellings. Plain responses and errors are pretty-printed with two spaces; an SSE event
 * is one line with a space after every `:` and none after `,` (raw bytes in reference §3). Parsers must not
 * depend on either, which is exactly why the fake reproduces them.
 */

export function toPrettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

// Every JSON string token, with the colon that follows it when it is a key. Matching strings whole keeps
// colons inside string values untouched.
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"(:?)/g;

/** One line, `{"a": 1,"b": [1,2]}`: JSON.stringify's output with a space after each key's colon. */
export function toSseLineJson(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(STRING_TOKEN, (token, colon: string) =>
    colon === "" ? token : `${token} `,
  );
}

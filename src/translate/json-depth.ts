import { invalidRequest } from "../errors.js";

/**
 * Deeper than any real tool schema or message (they stay within a few dozen levels), and far below
 * where the recursive code that reads schemas and arguments would overflow the stack (a few thousand).
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text nests objects and arrays deeper than `maxDepth`, read before it is parsed. Strings
 * are skipped with `indexOf` (native), so a body of large base64 images costs little. Malformed text
 * answers false: the parser then reports it.
 */
export function nestsDeeperThan(bytes: Buffer, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let position = 0;
  while (position < bytes.length) {
    const byte = bytes[position];
    if (byte === QUOTE) {
      const end = closingQuote(bytes, position + 1);
      if (end === -1) return false;
      position = end + 1;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
    position += 1;
  }
  return false;
}

/** The position of the quote that ends a string starting at `from`, or -1. */
function closingQuote(bytes: Buffer, from: number): number {
  for (
    let candidate = bytes.indexOf(QUOTE, from);
    candidate !== -1;
    candidate = bytes.indexOf(QUOTE, candidate + 1)
  ) {
    let backslashes = 0;
    while (bytes[candidate - 1 - backslashes] === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return candidate;
  }
  return -1;
}

/**
 * JSON.parse for JSON a client sent inside a string (tool-call arguments, tool results): nesting
 * deeper than `MAX_JSON_DEPTH` is the client's 400, before the parsed value reaches recursive code.
 * Text that is not JSON parses to `undefined`.
 */
export function parseClientJson(text: string, path: string): unknown {
  if (nestsDeeperThan(Buffer.from(text, "utf8"))) {
    throw invalidRequest(
      `'${path}' nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep.`,
      path,
      "json_too_deep",
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Request bodies: read once, parsed once, and refused with Google's "Invalid JSON payload received." 400.
 */
import type { IncomingMessage } from "node:http";
import { FakeHttpError, invalidPayload } from "./errors.js";
import type { Exchange, ParsedBody } from "./exchange.js";

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large for the fake");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Google points at the offending character: the line up to it, then a caret under it. */
function describeJsonError(raw: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : "";
  const position = Number(/position (\d+)/.exec(reason)?.[1] ?? raw.length);
  const lineStart = raw.lastIndexOf("\n", position - 1) + 1;
  const shownStart = Math.max(lineStart, position - 60);
  const excerpt = raw.slice(shownStart, position + 1).replace(/\n/g, " ");
  const what = /end of (JSON|data)|Unterminated/i.test(reason)
    ? "Unexpected end of string."
    : "Unexpected token.";
  return `Invalid JSON payload received. ${what}\n${excerpt}\n${" ".repeat(Math.max(0, position - shownStart))}^`;
}

/** An empty body counts as `{}`, as Google's proto-JSON reader takes it. */
export function parseBody(raw: string): ParsedBody {
  if (raw.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, message: describeJsonError(raw, error) };
  }
}

export function requireJsonBody(exchange: Exchange): unknown {
  if (exchange.body.ok) return exchange.body.value;
  throw new FakeHttpError(invalidPayload([{ description: exchange.body.message }]));
}

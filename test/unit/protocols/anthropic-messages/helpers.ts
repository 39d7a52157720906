import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseModelAliases } from "../../../../src/gemini/model-aliases.js";
import {
  type ConvertedMessagesRequest,
  convertMessagesRequest,
  type MessagesRequestContext,
} from "../../../../src/protocols/anthropic-messages/convert-request.js";
import { parseMessagesRequest } from "../../../../src/protocols/anthropic-messages/request-schema.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

/**
 * A request Claude Code 2.1.328 really sent (long strings cut to their length): its first turn
 * (`stream`, and `nonstream`, its retry without streaming), the session-title request of an interactive
 * session, and the sub-request of its WebSearch tool.
 */
export function claudeCodeCapture(kind: "stream" | "nonstream" | "session-title" | "web-search"): {
  headers: Record<string, string>;
  body: any;
} {
  return JSON.parse(readFileSync(join(fixtures, `claude-code-2.1.328-messages-${kind}.json`), "utf8"));
}

/** The ready-made aliases the README gives Claude Code users. */
export const claudeCodeAliases = parseModelAliases("claude-*haiku*=gemini-2.5-flash,claude-*=gemini-2.5-pro");

/** Parses a raw client body the way the route does, then converts it. */
export function convert(
  body: unknown,
  context: Partial<MessagesRequestContext> = {},
): ConvertedMessagesRequest {
  return convertMessagesRequest(parseMessagesRequest(body), {
    modelAliases: [],
    thoughtSignatures: new Map(),
    remoteMedia: new Map(),
    reasoningOutput: "reasoning_content",
    ...context,
  });
}

/** A minimal valid request around the given messages. */
export function request(messages: unknown[], extra: Record<string, unknown> = {}) {
  return { model: "gemini-2.5-flash", max_tokens: 1024, messages, ...extra };
}

export const pngBase64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

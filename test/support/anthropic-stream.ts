/**
 * Anthropic Messages streams for tests, on the generic SSE reader (sse.ts): read the named events, check
 * every rule of Anthropic's "Streaming Messages" reference (and what the official SDK's MessageStream
 * relies on), and accumulate the final message the way a client does.
 */
import { parseSse, postSse, type SseAnswer, type SseEvent } from "./sse.js";

/** One SSE event: its `event:` name, its data and the data parsed (a record of sse.ts). */
export type StreamRecord = Pick<SseEvent, "event" | "data" | "json">;

/** The events of a whole SSE body (LF, CRLF or CR framing, fed whole or in pieces). */
export function parseAnthropicSse(body: string | Iterable<string>): StreamRecord[] {
  return parseSse(body).events;
}

/** `POST /v1/messages` with `stream: true`, read as SSE (a JSON error body lands in `json`). */
export function postMessagesStream(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<SseAnswer> {
  return postSse(
    `${url}/v1/messages`,
    { ...body, stream: true },
    { "anthropic-version": "2023-06-01", ...headers },
  );
}

export interface StreamExpectations {
  /** The model the message must name. */
  model?: string;
  /** The stream ends with an `error` event instead of `message_stop`. */
  endsWithError?: boolean;
}

const BLOCK_DELTAS: Record<string, readonly string[]> = {
  text: ["text_delta", "citations_delta"],
  thinking: ["thinking_delta", "signature_delta"],
  tool_use: ["input_json_delta"],
};

const STOP_REASONS = new Set([
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "pause_turn",
  "refusal",
]);
const ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "api_error",
  "overloaded_error",
]);

/**
 * Every problem of a message stream, or an empty list: each event's name equals its JSON `type`;
 * `message_start` first (an assistant message with empty content and usage); blocks indexed 0, 1, 2… in
 * order, each started, given deltas of its own kind, and stopped before the next starts; tool inputs that
 * parse as JSON objects; one `message_delta` with a known `stop_reason` and usage after the last block;
 * `message_stop` last; `ping` anywhere; or, when expected, an `error` event with Anthropic's envelope as
 * the very last event.
 */
export function messageStreamProblems(
  records: readonly StreamRecord[],
  expectations: StreamExpectations = {},
) {
  const problems: string[] = [];
  const problem = (position: number, text: string) => problems.push(`event ${position}: ${text}`);
  let started = false;
  let stopped = false;
  let deltaSeen = false;
  let nextIndex = 0;
  let open: { index: number; type: string; json: string } | undefined;

  for (const [position, record] of records.entries()) {
    const json = record.json;
    if (json === undefined || typeof json !== "object") {
      problem(position, `data is not JSON: ${record.data}`);
      continue;
    }
    if (record.event !== json.type) problem(position, `event name ${record.event} but type ${json.type}`);
    if (stopped) problem(position, `${json.type} after message_stop`);
    if (json.type === "ping") continue;
    if (json.type === "error") {
      if (!ERROR_TYPES.has(json.error?.type)) problem(position, `unknown error type ${json.error?.type}`);
      if (typeof json.error?.message !== "string") problem(position, "error without a message");
      if (!expectations.endsWithError) problem(position, `unexpected error event: ${record.data}`);
      if (position !== records.length - 1) problem(position, "events after the error event");
      stopped = true;
      continue;
    }
    if (!started && json.type !== "message_start") problem(position, `${json.type} before message_start`);
    switch (json.type) {
      case "message_start": {
        if (started) problem(position, "a second message_start");
        started = true;
        const message = json.message;
        if (message?.type !== "message" || message.role !== "assistant")
          problem(position, "not an assistant message");
        if (!Array.isArray(message?.content) || message.content.length !== 0)
          problem(position, "content not empty");
        if (typeof message?.id !== "string" || !message.id.startsWith("msg_"))
          problem(position, `id ${message?.id}`);
        if (typeof message?.usage?.input_tokens !== "number") problem(position, "usage.input_tokens missing");
        if (expectations.model !== undefined && message?.model !== expectations.model) {
          problem(position, `model ${message?.model}, expected ${expectations.model}`);
        }
        continue;
      }
      case "content_block_start": {
        if (open !== undefined) problem(position, `block ${json.index} starts while ${open.index} is open`);
        if (json.index !== nextIndex) problem(position, `block index ${json.index}, expected ${nextIndex}`);
        if (deltaSeen) problem(position, "a block after message_delta");
        const block = json.content_block;
        if (!(block?.type in BLOCK_DELTAS)) problem(position, `unknown block type ${block?.type}`);
        if (block?.type === "text" && block.text !== "") problem(position, "a text block must start empty");
        if (block?.type === "thinking" && (block.thinking !== "" || typeof block.signature !== "string")) {
          problem(position, "a thinking block must start empty, with a signature string");
        }
        if (block?.type === "tool_use") {
          if (typeof block.id !== "string" || !block.id.startsWith("toolu_"))
            problem(position, `tool id ${block.id}`);
          if (typeof block.name !== "string" || block.name === "")
            problem(position, "tool_use without a name");
          if (JSON.stringify(block.input) !== "{}") problem(position, "tool_use input must start as {}");
        }
        open = { index: json.index, type: block?.type, json: "" };
        nextIndex = json.index + 1;
        continue;
      }
      case "content_block_delta": {
        if (open === undefined || open.index !== json.index) {
          problem(position, `delta for closed block ${json.index}`);
          continue;
        }
        const allowed = BLOCK_DELTAS[open.type] ?? [];
        if (!allowed.includes(json.delta?.type))
          problem(position, `${json.delta?.type} in a ${open.type} block`);
        if (json.delta?.type === "input_json_delta") open.json += json.delta.partial_json;
        if (json.delta?.type === "text_delta" && json.delta.text === "")
          problem(position, "an empty text_delta");
        continue;
      }
      case "content_block_stop": {
        if (open === undefined || open.index !== json.index) {
          problem(position, `stop for closed block ${json.index}`);
          continue;
        }
        if (open.type === "tool_use") {
          try {
            const input = JSON.parse(open.json === "" ? "{}" : open.json);
            if (typeof input !== "object" || input === null || Array.isArray(input))
              problem(position, "input not an object");
          } catch {
            problem(position, `tool input is not JSON: ${open.json}`);
          }
        }
        open = undefined;
        continue;
      }
      case "message_delta":
        if (open !== undefined) problem(position, `message_delta while block ${open.index} is open`);
        if (deltaSeen) problem(position, "a second message_delta");
        deltaSeen = true;
        if (!STOP_REASONS.has(json.delta?.stop_reason))
          problem(position, `stop_reason ${json.delta?.stop_reason}`);
        if (typeof json.usage?.output_tokens !== "number") problem(position, "usage.output_tokens missing");
        continue;
      case "message_stop":
        if (!deltaSeen) problem(position, "message_stop before message_delta");
        stopped = true;
        continue;
      default:
        problem(position, `unknown event type ${json.type}`);
    }
  }
  if (!stopped) problems.push(expectations.endsWithError ? "no error event at the end" : "no message_stop");
  if (!started && !expectations.endsWithError) problems.push("no message_start");
  return problems;
}

/** Throws with every problem at once. */
export function assertMessageStreamInvariants(
  records: readonly StreamRecord[],
  expectations: StreamExpectations = {},
): void {
  const problems = messageStreamProblems(records, expectations);
  if (problems.length > 0) {
    throw new Error(
      `the message stream breaks ${problems.length} rule(s):\n${problems.join("\n")}\n\n${describe(records)}`,
    );
  }
}

function describe(records: readonly StreamRecord[]): string {
  return records.map((record) => `${record.event}: ${record.data}`).join("\n");
}

/** The message a client ends up with, as the SDK's MessageStream accumulates it. */
export function accumulateMessage(records: readonly StreamRecord[]): any {
  let message: any;
  const inputs = new Map<number, string>();
  for (const { json } of records) {
    switch (json?.type) {
      case "message_start":
        message = structuredClone(json.message);
        break;
      case "content_block_start":
        message.content[json.index] = structuredClone(json.content_block);
        break;
      case "content_block_delta": {
        const block = message.content[json.index];
        const delta = json.delta;
        if (delta.type === "text_delta") block.text += delta.text;
        if (delta.type === "thinking_delta") block.thinking += delta.thinking;
        if (delta.type === "signature_delta") block.signature = delta.signature;
        if (delta.type === "input_json_delta")
          inputs.set(json.index, (inputs.get(json.index) ?? "") + delta.partial_json);
        break;
      }
      case "content_block_stop":
        if (inputs.has(json.index))
          message.content[json.index].input = JSON.parse(inputs.get(json.index) || "{}");
        break;
      case "message_delta":
        message.stop_reason = json.delta.stop_reason;
        message.stop_sequence = json.delta.stop_sequence;
        message.usage = { ...message.usage, ...json.usage };
        break;
      default:
        break;
    }
  }
  return message;
}

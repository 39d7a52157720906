import type { AnswerSummary, Finish, StreamEncoder } from "../../engine/answer-events.js";
import { type ContentBlockOptions, createContentBlockAssembler } from "./assemble-content-blocks.js";
import { toAnthropicUsage } from "./convert-usage.js";
import { toAnthropicFailureBody } from "./errors.js";
import { toStopReason } from "./map-stop-reason.js";
import type { AnthropicMessageResponse, ContentBlockEvent, MessageStreamEvent } from "./wire-types.js";

/** What writing one answer needs, streamed or whole. */
export interface MessageAnswerOptions extends ContentBlockOptions {
  /** `msg_…`. */
  messageId: string;
  /** The model the client asked for. */
  model: string;
}

/** One named SSE event, as Anthropic frames them: `event:` then `data:` with the same `type`. */
function frame(event: MessageStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function frames(events: readonly ContentBlockEvent[]): string {
  let text = "";
  for (const event of events) text += frame(event);
  return text;
}

/**
 * The Anthropic Messages event stream ("Streaming Messages" in Anthropic's API reference):
 * `message_start` (the message, empty), the content blocks with their `index`
 * (`content_block_start` / `content_block_delta` / `content_block_stop`), then `message_delta` with the
 * `stop_reason` and the whole usage, and `message_stop`. `ping` keeps a silent stream (long thinking)
 * open; a failure after the start is an `error` event with the error envelope, never a quiet end.
 *
 * Gemini's usage is known only at the end, so `message_start` counts 0 tokens and `message_delta`
 * carries every count: the SDK and Claude Code take `input_tokens` and the cache counts from it when
 * present.
 */
export function createMessageStreamEncoder(options: MessageAnswerOptions): StreamEncoder {
  const blocks = createContentBlockAssembler(options);
  let finish: Finish | undefined;

  return {
    start() {
      const message: AnthropicMessageResponse = {
        id: options.messageId,
        type: "message",
        role: "assistant",
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      };
      return frame({ type: "message_start", message });
    },
    event(event) {
      if (event.type === "finish" && event.candidate === 0) finish = event.finish;
      return frames(blocks.push(event));
    },
    keepalive() {
      return frame({ type: "ping" });
    },
    finish(summary: AnswerSummary) {
      return (
        frames(blocks.end()) +
        frame({
          type: "message_delta",
          delta: { stop_reason: toStopReason(finish), stop_sequence: null },
          usage: toAnthropicUsage(summary.usage),
        }) +
        frame({ type: "message_stop" })
      );
    },
    fail(failure) {
      return frame(toAnthropicFailureBody(failure));
    },
  };
}

import type { Answer } from "../../engine/answer-events.js";
import { isPlainObject } from "../../translate/convert-tool-result.js";
import { createContentBlockAssembler } from "./assemble-content-blocks.js";
import { toAnthropicUsage } from "./convert-usage.js";
import type { MessageAnswerOptions } from "./encode-stream.js";
import { toStopReason } from "./map-stop-reason.js";
import type { AnthropicMessageResponse, ContentBlockEvent, MessageContentBlock } from "./wire-types.js";

/**
 * A whole answer → Anthropic's `message` (non-streaming). The blocks come from the same assembler as
 * the stream's, so both forms of one answer hold the same content.
 */
export function renderMessage(answer: Answer, options: MessageAnswerOptions): AnthropicMessageResponse {
  const candidate = answer.candidates.find((entry) => entry.index === 0);
  const assembler = createContentBlockAssembler(options);
  const content: MessageContentBlock[] = [];
  for (const part of candidate?.parts ?? []) applyBlockEvents(content, assembler.push(part));
  applyBlockEvents(content, assembler.end());
  return {
    id: options.messageId,
    type: "message",
    role: "assistant",
    model: options.model,
    content,
    stop_reason: toStopReason(candidate?.finish),
    stop_sequence: null,
    usage: toAnthropicUsage(answer.usage),
  };
}

/** Builds blocks from their events, as a client accumulates a stream. */
function applyBlockEvents(content: MessageContentBlock[], events: readonly ContentBlockEvent[]): void {
  for (const event of events) {
    if (event.type === "content_block_start") {
      content[event.index] = structuredClone(event.content_block);
      continue;
    }
    if (event.type === "content_block_stop") continue;
    const block = content[event.index];
    const delta = event.delta;
    if (block?.type === "text" && delta.type === "text_delta") block.text += delta.text;
    else if (block?.type === "thinking" && delta.type === "thinking_delta") block.thinking += delta.thinking;
    else if (block?.type === "thinking" && delta.type === "signature_delta")
      block.signature = delta.signature;
    else if (block?.type === "tool_use" && delta.type === "input_json_delta") {
      const input: unknown = JSON.parse(delta.partial_json);
      if (isPlainObject(input)) block.input = input;
    }
  }
}

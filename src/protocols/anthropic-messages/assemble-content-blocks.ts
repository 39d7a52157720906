import type { AnswerEvent } from "../../engine/answer-events.js";
import { assertNever } from "../../translate/assert-never.js";
import type { ToolNameMap } from "../../translate/tool-name-map.js";
import { toThinkingSignature } from "./thinking-signature.js";
import type { ContentBlockEvent } from "./wire-types.js";

export interface ContentBlockAssembler {
  /** The block events for one answer event (a finish, or another candidate's event, makes none). */
  push(event: AnswerEvent): ContentBlockEvent[];
  /** Closes the block still open, at the end of the answer. */
  end(): ContentBlockEvent[];
}

type OpenBlock = { kind: "text" | "thinking"; index: number } | undefined;

export interface ContentBlockOptions {
  /** Turns the Gemini-safe function names back into the client's tool names. */
  toolNames: ToolNameMap;
  /**
   * The client asked for thinking (`enabled` or `adaptive`): signatures travel in thinking blocks. A
   * client that did not would not expect thinking blocks at all; its calls' signatures are still kept
   * in the gateway's store by tool-use id, which is all Gemini 3 requires.
   */
  thinkingBlocks: boolean;
}

/**
 * Answer events → Anthropic content blocks, with their `index`, for the stream encoder and the message
 * renderer alike, so a streamed and a whole answer hold the same blocks. Only candidate 0 is read (an
 * Anthropic message has one).
 *
 * - Text runs become `text` blocks, thought summaries `thinking` blocks.
 * - A tool call's Gemini thought signature closes the thinking block right before its `tool_use` (the
 *   open one, whose thoughts led to the call, or an empty one), as Claude's interleaved thinking does;
 *   Anthropic clients send it back with the next turn (thinking-signature.ts).
 * - A text part's signature is not written: Gemini signs a text answer at its end, where no thinking
 *   block may stand (Claude Code takes a message's last block for its result, and a signed first text
 *   part of Gemini 2.5 would split the text in two). Gemini does not require those back.
 * - A tool call is whole in Gemini, so its `tool_use` block gets the whole input as one
 *   `input_json_delta`; its name goes back to the client's spelling.
 */
export function createContentBlockAssembler(options: ContentBlockOptions): ContentBlockAssembler {
  const { toolNames, thinkingBlocks } = options;
  let open: OpenBlock;
  let nextIndex = 0;

  const closeOpen = (): ContentBlockEvent[] => {
    if (open === undefined) return [];
    const index = open.index;
    open = undefined;
    return [{ type: "content_block_stop", index }];
  };

  /** The index of an open block of this kind, closing another and starting one when needed. */
  const ensureOpen = (kind: "text" | "thinking", events: ContentBlockEvent[]): number => {
    if (open?.kind === kind) return open.index;
    events.push(...closeOpen());
    const index = nextIndex++;
    open = { kind, index };
    events.push({
      type: "content_block_start",
      index,
      content_block:
        kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" },
    });
    return index;
  };

  /** Puts the signature on the open thinking block, or on a new empty one, and closes it. */
  const signedThinkingBlock = (signature: string): ContentBlockEvent[] => {
    const events: ContentBlockEvent[] = [];
    const index = ensureOpen("thinking", events);
    const delta = { type: "signature_delta", signature: toThinkingSignature(signature) } as const;
    events.push({ type: "content_block_delta", index, delta }, ...closeOpen());
    return events;
  };

  const appendTo = (kind: "text" | "thinking", text: string): ContentBlockEvent[] => {
    const events: ContentBlockEvent[] = [];
    const index = ensureOpen(kind, events);
    events.push({
      type: "content_block_delta",
      index,
      delta: kind === "text" ? { type: "text_delta", text } : { type: "thinking_delta", thinking: text },
    });
    return events;
  };

  return {
    push(event) {
      if (event.candidate !== 0) return [];
      switch (event.type) {
        case "text":
          return appendTo("text", event.text);
        case "reasoning":
          return appendTo("thinking", event.text);
        case "signature":
          return [];
        case "tool_call": {
          const events =
            event.signature !== undefined && thinkingBlocks
              ? signedThinkingBlock(event.signature)
              : closeOpen();
          const index = nextIndex++;
          events.push(
            {
              type: "content_block_start",
              index,
              content_block: {
                type: "tool_use",
                id: event.id,
                name: toolNames.toOpenAI(event.name),
                input: {},
              },
            },
            {
              type: "content_block_delta",
              index,
              delta: { type: "input_json_delta", partial_json: JSON.stringify(event.args) },
            },
            { type: "content_block_stop", index },
          );
          return events;
        }
        case "finish":
          return [];
        default:
          return assertNever(event, "answer event");
      }
    },
    end: closeOpen,
  };
}

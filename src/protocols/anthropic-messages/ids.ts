import { randomId } from "../../engine/random-id.js";

/** `msg_…`, as Anthropic names messages. */
export function newMessageId(): string {
  return `msg_${randomId()}`;
}

/** `toolu_…`, as Anthropic names tool uses. */
export function newToolUseId(): string {
  return `toolu_${randomId()}`;
}

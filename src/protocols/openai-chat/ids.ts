import { randomId } from "../../engine/random-id.js";

/** `chatcmpl-…`, the same on every chunk of one answer. */
export function newCompletionId(): string {
  return `chatcmpl-${randomId()}`;
}

/** `call_…`, as OpenAI names tool calls. */
export function newToolCallId(): string {
  return `call_${randomId()}`;
}

import { randomBytes } from "node:crypto";
import { randomId } from "../../engine/random-id.js";

/**
 * Ids in OpenAI's shapes: `resp_…` for a response, `msg_…`, `rs_…`, `fc_…`, `ctc_…` for its output items,
 * `call_…` for a tool call. An output item's id holds its response's key (`msg_<key>_<n>`), so an
 * `item_reference` (how the AI SDK sends back items of a stored response) finds its response without an
 * index of items.
 */
export type OutputItemPrefix = "msg" | "rs" | "fc" | "ctc";

const KEY_PATTERN = /^[0-9a-f]{32}$/;

export function newResponseId(): string {
  return `resp_${randomBytes(16).toString("hex")}`;
}

/** Item ids of one response: each call gives the next one. */
export function outputItemIds(responseId: string): (prefix: OutputItemPrefix) => string {
  const key = responseId.slice("resp_".length);
  let next = 0;
  return (prefix) => `${prefix}_${key}_${next++}`;
}

/** The response an output item id belongs to, when the gateway made that id. */
export function responseIdOfItem(itemId: string): string | undefined {
  const match = /^(?:msg|rs|fc|ctc)_([^_]+)_\d+$/.exec(itemId);
  const key = match?.[1];
  return key !== undefined && KEY_PATTERN.test(key) ? `resp_${key}` : undefined;
}

/** `call_…`, as OpenAI names tool calls. */
export function newCallId(): string {
  return `call_${randomId()}`;
}

/**
 * Reading an OpenAI Responses event stream as it crossed the wire, and checking what every client relies
 * on ("Streaming events" in OpenAI's API reference; Codex's and openai-node's readers): named events whose
 * `event:` line matches their `type`, `sequence_number` counting from 0, `response.created` and
 * `response.in_progress` first, each output item added then done at its own index with its deltas in
 * between, the deltas adding up to the done values, and exactly one terminal event, last, whose
 * response holds the very items that were streamed.
 */
import { postSse, type SseAnswer, type SseEvent } from "./sse.js";

/** `POST /v1/responses` with `stream: true`, read as SSE. */
export function postResponsesStream(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<SseAnswer> {
  return postSse(`${url}/v1/responses`, { ...body, stream: true }, headers);
}

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);
const ITEM_ID_PREFIX: Record<string, string> = {
  message: "msg_",
  reasoning: "rs_",
  function_call: "fc_",
  custom_tool_call: "ctc_",
};

interface OpenItem {
  item: Record<string, any>;
  text: string;
  arguments: string;
  input: string;
  summary: string;
  partOpen: boolean;
  summaryOpen: boolean;
  done?: Record<string, any>;
}

/**
 * Checks the invariants over a stream's events (comments are not events); throws one error listing every
 * problem. Returns the terminal event's response.
 */
export function checkResponsesStream(events: readonly SseEvent[]): Record<string, any> {
  const problems: string[] = [];
  const items = new Map<number, OpenItem>();
  let terminal: Record<string, any> | undefined;
  let responseId: string | undefined;

  events.forEach(({ event, json }, position) => {
    const data: Record<string, any> = json ?? {};
    const where = `event ${position} (${data.type})`;
    if (event !== data.type) problems.push(`${where}: event line says ${event}`);
    if (data.sequence_number !== position) problems.push(`${where}: sequence_number ${data.sequence_number}`);
    if (terminal !== undefined) problems.push(`${where}: after the terminal event`);
    if (position === 0 && data.type !== "response.created") problems.push(`${where}: the first event`);
    if (position === 1 && data.type !== "response.in_progress") problems.push(`${where}: the second event`);
    if (data.response !== undefined) {
      responseId ??= data.response.id;
      if (data.response.id !== responseId) problems.push(`${where}: response id ${data.response.id}`);
      if (!/^resp_/.test(data.response.id)) problems.push(`${where}: response id ${data.response.id}`);
      if (data.response.object !== "response") problems.push(`${where}: object ${data.response.object}`);
    }
    if (TERMINAL.has(data.type)) {
      terminal = data;
      return;
    }
    if (data.type === "response.output_item.added") {
      if (items.has(data.output_index)) problems.push(`${where}: index ${data.output_index} added twice`);
      if (data.output_index !== items.size)
        problems.push(`${where}: index ${data.output_index} out of order`);
      const prefix = ITEM_ID_PREFIX[data.item?.type];
      if (prefix === undefined || !String(data.item.id).startsWith(prefix)) {
        problems.push(`${where}: item ${data.item?.type} with id ${data.item?.id}`);
      }
      items.set(data.output_index, {
        item: data.item,
        text: "",
        arguments: "",
        input: "",
        summary: "",
        partOpen: false,
        summaryOpen: false,
      });
      return;
    }
    if (data.type === "response.created" || data.type === "response.in_progress") return;
    const open = items.get(data.output_index);
    if (open === undefined || open.done !== undefined) {
      problems.push(`${where}: no open item at index ${data.output_index}`);
      return;
    }
    if (data.type !== "response.output_item.done" && data.item_id !== open.item.id) {
      problems.push(`${where}: item_id ${data.item_id} is not ${open.item.id}`);
    }
    switch (data.type) {
      case "response.content_part.added":
        open.partOpen = true;
        return;
      case "response.output_text.delta":
        if (!open.partOpen) problems.push(`${where}: text outside a content part`);
        open.text += data.delta;
        return;
      case "response.output_text.done":
        if (data.text !== open.text) problems.push(`${where}: text differs from its deltas`);
        return;
      case "response.content_part.done":
        if (data.part?.text !== open.text) problems.push(`${where}: part text differs from its deltas`);
        open.partOpen = false;
        return;
      case "response.reasoning_summary_part.added":
        open.summaryOpen = true;
        return;
      case "response.reasoning_summary_text.delta":
        if (!open.summaryOpen) problems.push(`${where}: summary text outside a summary part`);
        open.summary += data.delta;
        return;
      case "response.reasoning_summary_text.done":
        if (data.text !== open.summary) problems.push(`${where}: summary differs from its deltas`);
        return;
      case "response.reasoning_summary_part.done":
        open.summaryOpen = false;
        return;
      case "response.function_call_arguments.delta":
        open.arguments += data.delta;
        return;
      case "response.function_call_arguments.done":
        if (data.arguments !== open.arguments) problems.push(`${where}: arguments differ from their deltas`);
        return;
      case "response.custom_tool_call_input.delta":
        open.input += data.delta;
        return;
      case "response.custom_tool_call_input.done":
        if (data.input !== open.input) problems.push(`${where}: input differs from its deltas`);
        return;
      case "response.output_item.done":
        if (open.partOpen || open.summaryOpen) problems.push(`${where}: a part is still open`);
        if (data.item?.id !== open.item.id || data.item?.type !== open.item.type) {
          problems.push(`${where}: done item ${data.item?.id} is not the added ${open.item.id}`);
        }
        checkDoneItem(data.item, open, where, problems);
        open.done = data.item;
        return;
      default:
        problems.push(`${where}: unknown event type`);
    }
  });

  if (terminal === undefined) problems.push("no response.completed, response.incomplete or response.failed");
  const response = terminal?.response ?? {};
  for (const [index, open] of items) {
    if (open.done === undefined) problems.push(`item ${index} was never done`);
    else if (JSON.stringify(response.output?.[index]) !== JSON.stringify(open.done)) {
      problems.push(`item ${index}: the terminal response holds ${JSON.stringify(response.output?.[index])}`);
    }
  }
  if (terminal !== undefined && (response.output?.length ?? 0) !== items.size) {
    problems.push(`the terminal response has ${response.output?.length} items, ${items.size} were streamed`);
  }
  if (problems.length > 0) throw new Error(`Responses stream invariants broken:\n${problems.join("\n")}`);
  return response;
}

function checkDoneItem(item: Record<string, any>, open: OpenItem, where: string, problems: string[]): void {
  switch (item?.type) {
    case "message":
      if (item.content?.[0]?.text !== open.text)
        problems.push(`${where}: message text differs from its deltas`);
      return;
    case "function_call":
      if (item.arguments !== open.arguments) problems.push(`${where}: arguments differ from their deltas`);
      if (!/^call_/.test(item.call_id)) problems.push(`${where}: call_id ${item.call_id}`);
      return;
    case "custom_tool_call":
      if (item.input !== open.input) problems.push(`${where}: input differs from its deltas`);
      if (!/^call_/.test(item.call_id)) problems.push(`${where}: call_id ${item.call_id}`);
      return;
    case "reasoning": {
      const summary = (item.summary ?? []).map((part: { text: string }) => part.text).join("");
      if (summary !== open.summary) problems.push(`${where}: summary differs from its deltas`);
      return;
    }
    default:
      problems.push(`${where}: unexpected item type ${item?.type}`);
  }
}

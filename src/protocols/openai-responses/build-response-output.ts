import type { AnswerEvent, Finish } from "../../engine/answer-events.js";
import { assertNever } from "../../translate/assert-never.js";
import { CUSTOM_TOOL_INPUT, type ResponsesToolMap } from "./convert-responses-tools.js";
import type { OutputItemPrefix } from "./response-ids.js";
import {
  type ItemStatus,
  type MessageOutputItem,
  type OutputItem,
  type OutputText,
  type ReasoningOutputItem,
  visibleItem,
} from "./response-object.js";
import { type CarriedSignature, encodeSignatureCarrier } from "./thought-signature-carrier.js";

/**
 * The events of a Responses stream that describe output items ("Streaming events" in OpenAI's API
 * reference), without `sequence_number`, which the encoder adds.
 */
export type OutputEvent =
  | {
      type: "response.output_item.added" | "response.output_item.done";
      output_index: number;
      item: OutputItem;
    }
  | {
      type: "response.content_part.added" | "response.content_part.done";
      item_id: string;
      output_index: number;
      content_index: number;
      part: OutputText;
    }
  | {
      type: "response.output_text.delta";
      item_id: string;
      output_index: number;
      content_index: number;
      delta: string;
      logprobs: never[];
    }
  | {
      type: "response.output_text.done";
      item_id: string;
      output_index: number;
      content_index: number;
      text: string;
      logprobs: never[];
    }
  | {
      type: "response.reasoning_summary_part.added" | "response.reasoning_summary_part.done";
      item_id: string;
      output_index: number;
      summary_index: number;
      part: { type: "summary_text"; text: string };
    }
  | {
      type: "response.reasoning_summary_text.delta";
      item_id: string;
      output_index: number;
      summary_index: number;
      delta: string;
    }
  | {
      type: "response.reasoning_summary_text.done";
      item_id: string;
      output_index: number;
      summary_index: number;
      text: string;
    }
  | {
      type: "response.function_call_arguments.delta" | "response.custom_tool_call_input.delta";
      item_id: string;
      output_index: number;
      delta: string;
    }
  | {
      type: "response.function_call_arguments.done";
      item_id: string;
      output_index: number;
      arguments: string;
    }
  | { type: "response.custom_tool_call_input.done"; item_id: string; output_index: number; input: string };

export interface OutputBuilderOptions {
  /** Gives the next output item id of this response (response-ids.ts). */
  newItemId: (prefix: OutputItemPrefix) => string;
  tools: ResponsesToolMap;
  /**
   * Whether Gemini's thought signatures are written into reasoning items (the client can send them back:
   * it asked for `reasoning.encrypted_content`, or the response is stored).
   */
  carrySignatures: boolean;
  /** Whether the client sees the carriers (`include: ["reasoning.encrypted_content"]`). */
  includeEncryptedContent: boolean;
}

type OpenItem =
  | { kind: "reasoning"; item: ReasoningOutputItem; index: number; text: string }
  | { kind: "message"; item: MessageOutputItem; index: number; text: string };

/**
 * Turns the engine's answer events into Responses output items and the events that stream them; the same
 * for a stream and a whole answer, so both say the same. Only the first candidate is read (the Responses
 * API has one output). A reasoning item holds Gemini's thought text; it is closed when the answer moves
 * on, carrying the signature of the call that follows it. A signature that comes after the text it signs
 * (Gemini 3 signs the end of a text answer) rides in one more reasoning item after the message.
 */
export class ResponseOutputBuilder {
  readonly output: OutputItem[] = [];
  private open: OpenItem | undefined;
  private pendingSignatures: CarriedSignature[] = [];
  private finishSeen: Finish | undefined;

  constructor(private readonly options: OutputBuilderOptions) {}

  get finish(): Finish | undefined {
    return this.finishSeen;
  }

  accept(event: AnswerEvent): OutputEvent[] {
    if (event.candidate !== 0) return [];
    const events: OutputEvent[] = [];
    switch (event.type) {
      case "reasoning":
        if (this.open?.kind !== "reasoning") {
          this.closeOpen(events, "completed");
          this.openReasoning(events);
        }
        this.appendReasoning(event.text, events);
        return events;
      case "text":
        if (this.open?.kind !== "message") {
          this.closeOpen(events, "completed");
          this.openMessage(events);
        }
        this.appendText(event.text, events);
        return events;
      case "signature":
        this.pendingSignatures.push({ signature: event.signature });
        return events;
      case "tool_call":
        if (event.signature !== undefined) {
          this.pendingSignatures.push({ callId: event.id, signature: event.signature });
        }
        if (this.open?.kind === "message") this.closeOpen(events, "completed");
        if (this.open === undefined && this.hasSignaturesToCarry()) this.openReasoning(events);
        this.closeOpen(events, "completed");
        this.addToolCall(event, events);
        return events;
      case "finish":
        this.finishSeen = event.finish;
        return events;
      default:
        return assertNever(event, "answer event");
    }
  }

  /**
   * Ends the output: the open item is done (`incomplete` when the answer was cut), and signatures still
   * waiting get their reasoning item.
   */
  close(status: Extract<ItemStatus, "completed" | "incomplete">): OutputEvent[] {
    const events: OutputEvent[] = [];
    this.closeOpen(events, status);
    if (this.hasSignaturesToCarry()) {
      this.openReasoning(events);
      this.closeOpen(events, "completed");
    }
    return events;
  }

  private hasSignaturesToCarry(): boolean {
    return this.options.carrySignatures && this.pendingSignatures.length > 0;
  }

  private openReasoning(events: OutputEvent[]): void {
    const item: ReasoningOutputItem = { type: "reasoning", id: this.options.newItemId("rs"), summary: [] };
    const index = this.push(item);
    this.open = { kind: "reasoning", item, index, text: "" };
    events.push({ type: "response.output_item.added", output_index: index, item: this.visible({ ...item }) });
  }

  private appendReasoning(text: string, events: OutputEvent[]): void {
    const open = this.open;
    if (open?.kind !== "reasoning") return;
    const where = { item_id: open.item.id, output_index: open.index, summary_index: 0 };
    if (open.text === "") {
      events.push({
        type: "response.reasoning_summary_part.added",
        ...where,
        part: { type: "summary_text", text: "" },
      });
    }
    open.text += text;
    events.push({ type: "response.reasoning_summary_text.delta", ...where, delta: text });
  }

  private openMessage(events: OutputEvent[]): void {
    const item: MessageOutputItem = {
      type: "message",
      id: this.options.newItemId("msg"),
      status: "in_progress",
      role: "assistant",
      content: [],
    };
    const index = this.push(item);
    this.open = { kind: "message", item, index, text: "" };
    events.push({ type: "response.output_item.added", output_index: index, item: { ...item, content: [] } });
    events.push({
      type: "response.content_part.added",
      item_id: item.id,
      output_index: index,
      content_index: 0,
      part: outputText(""),
    });
  }

  private appendText(text: string, events: OutputEvent[]): void {
    const open = this.open;
    if (open?.kind !== "message") return;
    open.text += text;
    events.push({
      type: "response.output_text.delta",
      item_id: open.item.id,
      output_index: open.index,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  private closeOpen(events: OutputEvent[], status: Extract<ItemStatus, "completed" | "incomplete">): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    if (open.kind === "reasoning") {
      const where = { item_id: open.item.id, output_index: open.index, summary_index: 0 };
      if (open.text !== "") {
        const part = { type: "summary_text" as const, text: open.text };
        events.push({ type: "response.reasoning_summary_text.done", ...where, text: open.text });
        events.push({ type: "response.reasoning_summary_part.done", ...where, part });
        open.item.summary = [part];
      }
      if (this.hasSignaturesToCarry()) {
        open.item.encrypted_content = encodeSignatureCarrier(this.pendingSignatures);
        this.pendingSignatures = [];
      }
      events.push({
        type: "response.output_item.done",
        output_index: open.index,
        item: this.visible(open.item),
      });
      return;
    }
    const where = { item_id: open.item.id, output_index: open.index, content_index: 0 };
    const part = outputText(open.text);
    events.push({ type: "response.output_text.done", ...where, text: open.text, logprobs: [] });
    events.push({ type: "response.content_part.done", ...where, part });
    open.item.content = [part];
    open.item.status = status;
    events.push({ type: "response.output_item.done", output_index: open.index, item: open.item });
  }

  private addToolCall(event: Extract<AnswerEvent, { type: "tool_call" }>, events: OutputEvent[]): void {
    const tool = this.options.tools.toClient(event.name);
    const namespace = tool.namespace === undefined ? {} : { namespace: tool.namespace };
    if (tool.kind === "custom") {
      const input = customToolInput(event.args);
      const item = {
        type: "custom_tool_call" as const,
        id: this.options.newItemId("ctc"),
        status: "completed" as const,
        call_id: event.id,
        name: tool.name,
        ...namespace,
        input,
      };
      const index = this.push(item);
      const where = { item_id: item.id, output_index: index };
      events.push({
        type: "response.output_item.added",
        output_index: index,
        item: { ...item, status: "in_progress", input: "" },
      });
      events.push({ type: "response.custom_tool_call_input.delta", ...where, delta: input });
      events.push({ type: "response.custom_tool_call_input.done", ...where, input });
      events.push({ type: "response.output_item.done", output_index: index, item });
      return;
    }
    const args = JSON.stringify(event.args);
    const item = {
      type: "function_call" as const,
      id: this.options.newItemId("fc"),
      status: "completed" as const,
      call_id: event.id,
      name: tool.name,
      ...namespace,
      arguments: args,
    };
    const index = this.push(item);
    const where = { item_id: item.id, output_index: index };
    events.push({
      type: "response.output_item.added",
      output_index: index,
      item: { ...item, status: "in_progress", arguments: "" },
    });
    events.push({ type: "response.function_call_arguments.delta", ...where, delta: args });
    events.push({ type: "response.function_call_arguments.done", ...where, arguments: args });
    events.push({ type: "response.output_item.done", output_index: index, item });
  }

  private push(item: OutputItem): number {
    this.output.push(item);
    return this.output.length - 1;
  }

  private visible(item: ReasoningOutputItem): OutputItem {
    return visibleItem({ ...item, summary: [...item.summary] }, this.options.includeEncryptedContent);
  }
}

function outputText(text: string): OutputText {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

/** A custom tool's input: its one string argument; anything else the model sent, as JSON. */
function customToolInput(args: Record<string, unknown>): string {
  const input = args[CUSTOM_TOOL_INPUT];
  return typeof input === "string" ? input : JSON.stringify(args);
}

import type { AnswerUsage } from "../../engine/answer-events.js";
import type { ResponsesRequest } from "./request-schema.js";

/** The output items the gateway produces, in OpenAI's shapes ("Responses" API reference, `output`). */
export interface ReasoningOutputItem {
  type: "reasoning";
  id: string;
  summary: Array<{ type: "summary_text"; text: string }>;
  /** The gateway's thought-signature carrier (thought-signature-carrier.ts), when there is one. */
  encrypted_content?: string;
}

export interface OutputText {
  type: "output_text";
  text: string;
  annotations: never[];
  logprobs: never[];
}

export interface MessageOutputItem {
  type: "message";
  id: string;
  status: ItemStatus;
  role: "assistant";
  content: OutputText[];
}

export interface FunctionCallOutputItem {
  type: "function_call";
  id: string;
  status: ItemStatus;
  call_id: string;
  name: string;
  namespace?: string;
  arguments: string;
}

export interface CustomToolCallOutputItem {
  type: "custom_tool_call";
  id: string;
  status: ItemStatus;
  call_id: string;
  name: string;
  namespace?: string;
  input: string;
}

export type OutputItem =
  | ReasoningOutputItem
  | MessageOutputItem
  | FunctionCallOutputItem
  | CustomToolCallOutputItem;

export type ItemStatus = "in_progress" | "completed" | "incomplete";
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** The request's settings as every response object repeats them. */
export interface ResponseEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number;
  text: { format: Record<string, unknown> };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number;
  user: string | null;
}

export interface ResponseObject extends ResponseEcho {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  max_tool_calls: null;
  model: string;
  output: OutputItem[];
  service_tier: "default";
  truncation: "disabled";
  usage: ResponseUsage | null;
  completed_at?: number;
}

/** What a response object says besides its output and outcome; the same on every event of a stream. */
export interface ResponseHeader {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  /** The model as the client named it (before `MODEL_ALIASES`). */
  model: string;
  echo: ResponseEcho;
}

export interface ResponseOutcome {
  status: ResponseStatus;
  output: OutputItem[];
  usage?: AnswerUsage;
  error?: { code: string; message: string };
  incompleteReason?: "max_output_tokens" | "content_filter";
  /** Unix seconds, when the response is over. */
  completedAt?: number;
}

export function responseEcho(request: ResponsesRequest): ResponseEcho {
  const summary = request.reasoning?.summary ?? request.reasoning?.generate_summary ?? null;
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary },
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: (request.tools ?? []).map((tool) => (tool.type === "hosted" ? { type: tool.originalType } : tool)),
    top_p: request.top_p ?? 1,
    user: request.user ?? null,
  };
}

export function buildResponseObject(header: ResponseHeader, outcome: ResponseOutcome): ResponseObject {
  const response: ResponseObject = {
    id: header.id,
    object: "response",
    created_at: header.createdAt,
    status: outcome.status,
    background: false,
    error: outcome.error ?? null,
    incomplete_details: outcome.incompleteReason === undefined ? null : { reason: outcome.incompleteReason },
    ...header.echo,
    max_tool_calls: null,
    model: header.model,
    output: outcome.output,
    service_tier: "default",
    truncation: "disabled",
    usage: outcome.usage === undefined ? null : toResponseUsage(outcome.usage),
  };
  if (outcome.completedAt !== undefined) response.completed_at = outcome.completedAt;
  return response;
}

export function toResponseUsage(usage: AnswerUsage): ResponseUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens,
  };
}

/** The item as the client sees it: the signature carrier only when `include` asked for it. */
export function visibleItem(item: OutputItem, includeEncryptedContent: boolean): OutputItem {
  if (item.type !== "reasoning" || includeEncryptedContent || item.encrypted_content === undefined)
    return item;
  const { encrypted_content: _carrier, ...visible } = item;
  return visible;
}

/** The response as the client sees it (see `visibleItem`). */
export function visibleResponse(response: ResponseObject, includeEncryptedContent: boolean): ResponseObject {
  if (includeEncryptedContent) return response;
  return { ...response, output: response.output.map((item) => visibleItem(item, false)) };
}

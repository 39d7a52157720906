/**
 * The Anthropic Messages shapes the gateway writes: the message, its content blocks, the named stream
 * events and the error envelope, as Anthropic's API reference ("Messages", "Streaming Messages",
 * "Errors") and the official SDK's types describe them, reduced to what a Gemini answer can fill.
 */

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export interface TextBlock {
  type: "text";
  text: string;
}

export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  /** A Gemini thought signature, marked (thinking-signature.ts), or empty. */
  signature: string;
}

export interface ToolUseBlock {
  type: "tool_use";
  /** `toolu_…`. */
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export type MessageContentBlock = TextBlock | ThinkingBlock | ToolUseBlock;

export interface MessageUsage {
  /** Input not read from a cache: Anthropic counts cache reads apart. */
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicMessageResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: MessageContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: MessageUsage;
}

export type ContentBlockDelta =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string }
  | { type: "input_json_delta"; partial_json: string };

/** The events that build a message's content, the same in a stream and in a whole message. */
export type ContentBlockEvent =
  | { type: "content_block_start"; index: number; content_block: MessageContentBlock }
  | { type: "content_block_delta"; index: number; delta: ContentBlockDelta }
  | { type: "content_block_stop"; index: number };

export interface MessageDeltaEvent {
  type: "message_delta";
  delta: { stop_reason: StopReason; stop_sequence: string | null };
  /** The whole answer's counts: Anthropic's deltas carry cumulative totals. */
  usage: MessageUsage;
}

/** Every event of a message stream, each written as `event: <type>` and `data: <the event>`. */
export type MessageStreamEvent =
  | { type: "message_start"; message: AnthropicMessageResponse }
  | ContentBlockEvent
  | MessageDeltaEvent
  | { type: "message_stop" }
  | { type: "ping" }
  | AnthropicErrorBody;

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

/** The body of every error: as the HTTP answer, and as the data of an `error` stream event. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

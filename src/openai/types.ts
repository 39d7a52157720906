/**
 * The OpenAI Chat Completions shapes the gateway writes. They follow OpenAI's API plus the two
 * extensions real clients read from Gemini-backed providers: `reasoning_content` (Cline, Roo Code, the
 * Vercel AI SDK) and `extra_content.google.thought_signature` (Google's own compatibility layer).
 */

export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface OpenAIThoughtSignatureCarrier {
  extra_content?: { google: { thought_signature: string } };
}

export interface OpenAIToolCall extends OpenAIThoughtSignatureCarrier {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface OpenAIToolCallDelta extends OpenAIThoughtSignatureCarrier {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments?: string };
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  /** The cached part of `prompt_tokens`, as Roo Code reads it. */
  cache_read_input_tokens?: number;
}

export interface OpenAIChatMessage {
  role: "assistant";
  content: string | null;
  reasoning_content?: string;
  tool_calls?: OpenAIToolCall[];
  refusal: null;
}

export interface OpenAIChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: OpenAIChatMessage;
    finish_reason: OpenAIFinishReason;
    logprobs: null;
  }>;
  usage: OpenAIUsage;
}

export interface OpenAIChatDelta {
  role?: "assistant";
  content?: string;
  reasoning_content?: string;
  tool_calls?: OpenAIToolCallDelta[];
}

export interface OpenAIChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: OpenAIChatDelta;
    finish_reason: OpenAIFinishReason | null;
    logprobs?: null;
  }>;
  usage?: OpenAIUsage | null;
}

export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error";

/** OpenAI's error body: always an object, never an array. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: OpenAIErrorType;
    code: string | null;
    param: string | null;
  };
}

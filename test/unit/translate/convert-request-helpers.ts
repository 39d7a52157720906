import { parseChatCompletionRequest } from "../../../src/openai/chat-request-schema.js";
import {
  type ChatRequestContext,
  type ConvertedChatRequest,
  convertChatRequest,
} from "../../../src/translate/convert-openai-request.js";

/** Parses a raw client body the way the route does, then converts it. */
export function convert(body: unknown, context: Partial<ChatRequestContext> = {}): ConvertedChatRequest {
  return convertChatRequest(parseChatCompletionRequest(body), {
    thoughtSignatures: new Map(),
    remoteMedia: new Map(),
    ...context,
  });
}

export function userText(text: string) {
  return { role: "user", content: text };
}

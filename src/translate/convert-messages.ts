import { invalidRequest } from "../errors.js";
import type { GeminiContent, GeminiInlineData, GeminiPart } from "../gemini/wire-types.js";
import type { AssistantToolCall, ChatMessage } from "../openai/chat-request-schema.js";
import { assertNever } from "./assert-never.js";
import { isPlainObject, toFunctionResponseBody } from "./convert-tool-result.js";
import { convertUserContent } from "./convert-user-content.js";
import { GeminiHistory } from "./gemini-history.js";
import { parseClientJson } from "./json-depth.js";
import type { ToolNameMap } from "./tool-name-map.js";

export interface MessagesContext {
  toolNames: ToolNameMap;
  /** Signatures the gateway stored from its own earlier responses, by tool-call id. */
  thoughtSignatures: ReadonlyMap<string, string>;
  remoteMedia: ReadonlyMap<string, GeminiInlineData>;
}

export interface ConvertedMessages {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

/**
 * OpenAI messages → Gemini `systemInstruction` and `contents`:
 * - system and developer messages (anywhere) join `systemInstruction`;
 * - the `tool` messages answering one assistant turn become ONE user content with a functionResponse
 *   per call, in the order of the calls (not of the messages), as in every protocol (gemini-history.ts);
 * - consecutive contents of the same role are merged, as Gemini expects turns to alternate; this also
 *   puts a user message that follows tool results (Cline's screenshot) after the functionResponses;
 * - empty text is never sent, and a message left with no parts is dropped.
 */
export function convertMessages(
  messages: readonly ChatMessage[],
  context: MessagesContext,
): ConvertedMessages {
  const systemParts: GeminiPart[] = [];
  const history = new GeminiHistory();

  messages.forEach((message, position) => {
    const path = `messages[${position}]`;
    switch (message.role) {
      case "system":
      case "developer":
        for (const text of textsOf(message.content)) systemParts.push({ text });
        return;
      case "user":
        history.addUser(convertUserContent(message.content, context, `${path}.content`));
        return;
      case "assistant": {
        const parts: GeminiPart[] = textsOf(message.content).map((text) => ({ text }));
        const callIds: string[] = [];
        for (const toolCall of message.tool_calls ?? []) {
          const geminiName = context.toolNames.toGemini(toolCall.function.name);
          parts.push(functionCallPart(toolCall, geminiName, context.thoughtSignatures));
          callIds.push(toolCall.id);
        }
        if (message.function_call) {
          const name = context.toolNames.toGemini(message.function_call.name);
          parts.push({ functionCall: { name, args: parseArguments(message.function_call.arguments) } });
        }
        history.addModelStep(parts, callIds);
        return;
      }
      case "tool": {
        const text = joinedText(message.content);
        const response = toFunctionResponseBody(text, `${path}.content`);
        history.addToolResult(message.tool_call_id, { response, text });
        return;
      }
      case "function": {
        const geminiName = context.toolNames.toGemini(message.name);
        const response = toFunctionResponseBody(message.content, `${path}.content`);
        if (!history.answerByName(geminiName, response)) {
          history.addUser([{ functionResponse: { name: geminiName, response } }]);
        }
        return;
      }
      default:
        assertNever(message, "message role");
    }
  });
  const contents = history.build();

  if (contents.length === 0) {
    throw invalidRequest(
      "'messages' must contain at least one user or assistant message with content.",
      "messages",
    );
  }
  const converted: ConvertedMessages = { contents };
  if (systemParts.length > 0) converted.systemInstruction = { parts: systemParts };
  return converted;
}

/**
 * The signature sent with a replayed call: the one the client echoed in `extra_content` wins, then the
 * one the gateway stored by call id. Missing ones on Gemini 3 are filled in later, per step.
 */
function functionCallPart(
  toolCall: AssistantToolCall,
  geminiName: string,
  storedSignatures: ReadonlyMap<string, string>,
): GeminiPart {
  const part: GeminiPart = {
    functionCall: { name: geminiName, args: parseArguments(toolCall.function.arguments) },
  };
  const signature = toolCall.extra_content?.google?.thought_signature || storedSignatures.get(toolCall.id);
  if (signature) part.thoughtSignature = signature;
  return part;
}

/**
 * `arguments` is a JSON string of an object. Gemini needs an object, so an empty, broken or non-object
 * string (a call cut off by the token limit) is replayed as `{}` rather than failing the whole request.
 */
function parseArguments(raw: string | Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== "string") return raw;
  if (raw.trim() === "") return {};
  const parsed = parseClientJson(raw, "messages[].tool_calls[].function.arguments");
  return isPlainObject(parsed) ? parsed : {};
}

function textsOf(
  content: string | Array<{ type: string; text?: string; refusal?: string }> | null | undefined,
) {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [content];
  const texts: string[] = [];
  for (const part of content) {
    const text = part.text ?? part.refusal;
    if (text !== undefined && text !== "") texts.push(text);
  }
  return texts;
}

function joinedText(content: string | Array<{ text: string }> | null | undefined): string {
  return typeof content === "string" ? content : (content ?? []).map((part) => part.text).join("");
}

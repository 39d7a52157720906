import { invalidRequest } from "../../errors.js";
import type { GeminiContent, GeminiPart } from "../../gemini/wire-types.js";
import { assertNever } from "../../translate/assert-never.js";
import { isPlainObject } from "../../translate/convert-tool-result.js";
import { GeminiHistory, orphanResultText } from "../../translate/gemini-history.js";
import type { ToolNameMap } from "../../translate/tool-name-map.js";
import { convertToolResult, type ToolResultContext } from "./convert-tool-result.js";
import { convertDocumentBlock, convertImageBlock, searchResultText } from "./convert-user-blocks.js";
import {
  type AnthropicMessage,
  type ContentBlock,
  type MessagesRequest,
  type ServerOnlyBlock,
  serverOnlyBlockTypes,
} from "./request-schema.js";
import { geminiSignatureOf } from "./thinking-signature.js";

export interface MessagesContext extends ToolResultContext {
  toolNames: ToolNameMap;
  /** Signatures the gateway stored from its own earlier answers, by tool-use id. */
  thoughtSignatures: ReadonlyMap<string, string>;
}

export interface ConvertedMessages {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

/**
 * `system` and the messages → Gemini `systemInstruction` and `contents`:
 * - `system` (a string or text blocks) and `role: "system"` messages anywhere (Claude Code sends one
 *   between turns) join `systemInstruction`, in order;
 * - an assistant message becomes a model content: text, and a functionCall per tool_use, signed with the
 *   Gemini thought signature its thinking block carried (see `signaturesForCalls`) or, failing that, the
 *   one the gateway stored for its id; thinking text itself is not sent back (Gemini does not read it);
 * - the tool_result blocks of a user message answer the calls of the assistant message just before it:
 *   one functionResponse per call, in the order of the calls, a made-up error response for a call left
 *   unanswered (gemini-history.ts); their images follow, then the user's other blocks; a result whose
 *   call is not there (history trimmed by the client) is read as text;
 * - consecutive contents of the same role are merged, as Gemini expects turns to alternate; empty text is
 *   never sent.
 */
export function convertMessages(
  request: Pick<MessagesRequest, "system" | "messages">,
  context: MessagesContext,
): ConvertedMessages {
  const systemParts: GeminiPart[] = systemTexts(request.system).map((text) => ({ text }));
  const history = new GeminiHistory();

  request.messages.forEach((message, position) => {
    const path = `messages[${position}].content`;
    switch (message.role) {
      case "system":
        for (const text of messageTexts(message)) systemParts.push({ text });
        return;
      case "assistant": {
        const converted = convertAssistantBlocks(blocksOf(message), context, path);
        history.addModelStep(converted.parts, converted.callIds);
        return;
      }
      case "user":
        history.addUser(convertUserBlocks(blocksOf(message), history, context, path));
        return;
      default:
        assertNever(message.role, "message role");
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

function convertAssistantBlocks(
  blocks: readonly ContentBlock[],
  context: MessagesContext,
  path: string,
): { parts: GeminiPart[]; callIds: string[] } {
  const parts: GeminiPart[] = [];
  const callIds: string[] = [];
  const carried = signaturesForCalls(blocks);
  blocks.forEach((block, position) => {
    switch (block.type) {
      case "text":
        if (block.text !== "") parts.push({ text: block.text });
        return;
      case "tool_use": {
        const geminiName = context.toolNames.toGemini(block.name);
        const part: GeminiPart = {
          functionCall: { name: geminiName, args: isPlainObject(block.input) ? block.input : {} },
        };
        const signature = carried.get(position) ?? context.thoughtSignatures.get(block.id);
        if (signature !== undefined) part.thoughtSignature = signature;
        parts.push(part);
        callIds.push(block.id);
        return;
      }
      case "thinking":
      case "redacted_thinking":
        return;
      case "image":
      case "document":
      case "search_result":
      case "tool_result":
        throw invalidRequest(
          `'${path}[${position}]': a ${block.type} block cannot be in an assistant message.`,
          `${path}[${position}].type`,
        );
      default:
        if (isServerOnlyBlock(block)) return;
        assertNever(block, "assistant content block");
    }
  });
  return { parts, callIds };
}

/**
 * The Gemini signatures of an assistant message's calls, by the position of their tool_use block: a
 * thinking block right before a tool_use carries that call's (thinking-signature.ts). Signatures Claude
 * made are never used.
 */
function signaturesForCalls(blocks: readonly ContentBlock[]): Map<number, string> {
  const signatures = new Map<number, string>();
  blocks.forEach((block, position) => {
    if (block.type !== "thinking" || blocks[position + 1]?.type !== "tool_use") return;
    const signature = geminiSignatureOf(block.signature);
    if (signature !== undefined) signatures.set(position + 1, signature);
  });
  return signatures;
}

/**
 * A user message: its tool results answer the calls waiting in `history`; the other parts (text, media,
 * and the results that answer no waiting call, as text) are returned, to follow those answers.
 */
function convertUserBlocks(
  blocks: readonly ContentBlock[],
  history: GeminiHistory,
  context: MessagesContext,
  path: string,
): GeminiPart[] {
  const otherParts: GeminiPart[] = [];
  blocks.forEach((block, position) => {
    const blockPath = `${path}[${position}]`;
    switch (block.type) {
      case "text":
        if (block.text !== "") otherParts.push({ text: block.text });
        return;
      case "image":
        otherParts.push(convertImageBlock(block, context, blockPath));
        return;
      case "document":
        otherParts.push(...convertDocumentBlock(block, context, blockPath));
        return;
      case "search_result":
        otherParts.push({ text: searchResultText(block) });
        return;
      case "tool_result": {
        const result = convertToolResult(block, context, blockPath);
        if (history.answer(block.tool_use_id, result.response, result.mediaParts)) return;
        otherParts.push({ text: orphanResultText(block.tool_use_id, result.text) }, ...result.mediaParts);
        return;
      }
      case "tool_use":
      case "thinking":
      case "redacted_thinking":
        throw invalidRequest(
          `'${blockPath}': a ${block.type} block cannot be in a user message.`,
          `${blockPath}.type`,
        );
      default:
        if (isServerOnlyBlock(block)) return;
        assertNever(block, "user content block");
    }
  });
  return otherParts;
}

const serverOnlyTypes: ReadonlySet<string> = new Set(serverOnlyBlockTypes);

function isServerOnlyBlock(block: ContentBlock): block is ServerOnlyBlock {
  return serverOnlyTypes.has(block.type);
}

function blocksOf(message: AnthropicMessage): ContentBlock[] {
  return typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
}

function messageTexts(message: AnthropicMessage): string[] {
  return blocksOf(message).flatMap((block) =>
    block.type === "text" && block.text !== "" ? [block.text] : [],
  );
}

function systemTexts(system: MessagesRequest["system"]): string[] {
  if (system === null || system === undefined) return [];
  if (typeof system === "string") return system === "" ? [] : [system];
  return system.flatMap((block) => (block.text === "" ? [] : [block.text]));
}

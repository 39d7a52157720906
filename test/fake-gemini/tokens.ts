/**
 * The fake's token arithmetic: about four characters per token, a fixed 258 per media part (Gemini's
 * count for an image). countTokens, usageMetadata and the input-limit check all use it, so they agree.
 */
import type { GeminiContent, GeminiGenerateContentRequest, GeminiPart } from "../../src/gemini/wire-types.js";

const MEDIA_PART_TOKENS = 258;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function estimatePartTokens(part: GeminiPart): number {
  if (part.text !== undefined) return estimateTextTokens(part.text);
  if (part.inlineData !== undefined || part.fileData !== undefined) return MEDIA_PART_TOKENS;
  const { thought: _thought, thoughtSignature: _signature, ...payload } = part;
  return estimateTextTokens(JSON.stringify(payload));
}

export function estimateContentsTokens(contents: readonly GeminiContent[]): number {
  let total = 0;
  for (const content of contents) {
    for (const part of content.parts ?? []) total += estimatePartTokens(part);
  }
  return total;
}

/** Everything the model reads: system instruction, contents and the function declarations. */
export function estimatePromptTokens(request: GeminiGenerateContentRequest): number {
  let total = estimateContentsTokens(request.contents ?? []);
  if (request.systemInstruction) total += estimateContentsTokens([request.systemInstruction]);
  for (const tool of request.tools ?? []) {
    if (tool.functionDeclarations) total += estimateTextTokens(JSON.stringify(tool.functionDeclarations));
  }
  return total;
}

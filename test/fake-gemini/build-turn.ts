/**
 * Decides what the model "says" for one request: thoughts, text pieces, function calls, signatures, finish
 * reason and token counts. The renderers turn a Turn into Gemini chunks, a Gemini response or OpenAI
 * shapes, so every surface tells the same story.
 */
import type { GeminiGenerateContentRequest, GeminiUsageMetadata } from "../../src/gemini/wire-types.js";
import type { FakeModel } from "./catalog.js";
import { defaultAnswer } from "./default-answer.js";
import type { ThoughtSignatures } from "./signatures.js";
import type { ThinkingPlan } from "./thinking.js";
import { estimateTextTokens } from "./tokens.js";
import type { FakeFunctionCall, FunctionCallsReply, TextReply } from "./types.js";

export interface TurnContext {
  model: FakeModel;
  request: GeminiGenerateContentRequest;
  promptTokens: number;
  thinking: ThinkingPlan;
  signatures: ThoughtSignatures;
}

export interface CandidateTurn {
  /** The thought summary to send, when the request asked for thoughts. */
  thoughts: string | undefined;
  /** Streamed one per chunk; joined in a non-streaming response. */
  textPieces: string[];
  calls: FakeFunctionCall[];
  signature: string | undefined;
  /** Where the signature goes (reference §3 and §10). */
  signatureOn: "firstCall" | "firstText" | "finalText";
  finishReason: string;
  finishMessage: string | undefined;
  /**
   * Live edge shapes (reference §2): "noParts" is `"content": {}` (a stop sequence matched at once),
   * "bareEmptyText" is `{"parts": [{"text": ""}]}` without a role (max tokens spent before any text).
   */
  edge: "noParts" | "bareEmptyText" | undefined;
}

export interface Turn {
  candidates: CandidateTurn[];
  promptTokens: number;
  thoughtsTokens: number | undefined;
  usageOverride: Partial<GeminiUsageMetadata> | undefined;
  /** Gemini 3 closes a stream with a chunk of its own holding an empty text part. */
  closingEmptyChunk: boolean;
}

const PIECES_PER_ANSWER = 3;
const CALLS_FINISH_MESSAGE = "Model generated function call(s).";

export function callTokens(call: FakeFunctionCall): number {
  return estimateTextTokens(JSON.stringify({ name: call.name, args: call.args ?? {} }));
}

/** Splits at word boundaries into at most `count` pieces that join back to `text`. */
export function splitIntoPieces(text: string, count = PIECES_PER_ANSWER): string[] {
  const words = text.split(/(?<=\s)/);
  const perPiece = Math.max(1, Math.ceil(words.length / count));
  const pieces: string[] = [];
  for (let start = 0; start < words.length; start += perPiece) {
    pieces.push(words.slice(start, start + perPiece).join(""));
  }
  return pieces.length > 0 ? pieces : [""];
}

export function buildTurn(reply: TextReply | FunctionCallsReply | undefined, context: TurnContext): Turn {
  const { request, thinking, model } = context;
  const candidateCount = Math.max(1, request.generationConfig?.candidateCount ?? 1);
  const fallback = defaultAnswer(request, candidateCount);
  const scriptedThoughts = reply?.kind === "text" ? reply.thoughts : undefined;
  const thoughtsText = scriptedThoughts ?? fallback.thoughts;
  const maxOutputTokens = request.generationConfig?.maxOutputTokens;

  let thoughtsTokens: number | undefined;
  if (thinking.on || (scriptedThoughts !== undefined && thinking.includeThoughts)) {
    thoughtsTokens = Math.min(estimateTextTokens(thoughtsText), maxOutputTokens ?? Number.POSITIVE_INFINITY);
  }
  const thoughts = thinking.includeThoughts && thoughtsTokens !== undefined ? thoughtsText : undefined;

  const candidates = Array.from({ length: candidateCount }, (_, index): CandidateTurn => {
    const base = { thoughts, finishMessage: undefined, edge: undefined } as const;
    if (reply?.kind === "functionCalls") {
      return {
        ...base,
        textPieces: reply.text ? [reply.text] : [],
        calls: reply.calls,
        signature: pickSignature(
          reply.thoughtSignature,
          model.enforcesThoughtSignatures || thinking.on,
          context,
        ),
        signatureOn: "firstCall",
        finishReason: "STOP",
        finishMessage: CALLS_FINISH_MESSAGE,
      };
    }
    const textPlacement = textSignaturePlacement(context);
    const signature = pickSignature(reply?.thoughtSignature, textPlacement !== undefined, context);
    const signatureOn = textPlacement ?? (model.enforcesThoughtSignatures ? "finalText" : "firstText");
    if (reply?.kind === "text") {
      return {
        ...base,
        textPieces: typeof reply.text === "string" ? splitIntoPieces(reply.text) : reply.text,
        calls: [],
        signature,
        signatureOn,
        finishReason: reply.finishReason ?? "STOP",
        finishMessage: reply.finishMessage,
      };
    }
    const shaped = applyOutputLimits(fallback.texts[index]!, thoughtsTokens ?? 0, request);
    return {
      ...base,
      textPieces: shaped.edge === "noParts" ? [] : splitIntoPieces(shaped.text),
      calls: [],
      signature: shaped.edge === undefined ? signature : undefined,
      signatureOn,
      finishReason: shaped.finishReason,
      edge: shaped.edge,
    };
  });

  return {
    candidates,
    promptTokens: context.promptTokens,
    thoughtsTokens,
    usageOverride: reply?.usage,
    closingEmptyChunk: model.enforcesThoughtSignatures,
  };
}

/** Gemini 3 signs every answer; 2.5 signs the first text part when it thinks and tools are declared. */
function textSignaturePlacement({
  model,
  thinking,
  request,
}: TurnContext): CandidateTurn["signatureOn"] | undefined {
  if (model.enforcesThoughtSignatures) return "finalText";
  const declaresFunctions = request.tools?.some((tool) => (tool.functionDeclarations?.length ?? 0) > 0);
  return thinking.on && declaresFunctions ? "firstText" : undefined;
}

function pickSignature(explicit: string | false | undefined, wanted: boolean, context: TurnContext) {
  if (explicit === false) return undefined;
  if (typeof explicit === "string") {
    context.signatures.remember(explicit);
    return explicit;
  }
  return wanted ? context.signatures.issue() : undefined;
}

/** Stop sequences and maxOutputTokens (which thinking spends first), applied to the default answer. */
function applyOutputLimits(
  text: string,
  thoughtsTokens: number,
  request: GeminiGenerateContentRequest,
): { text: string; finishReason: string; edge: CandidateTurn["edge"] } {
  const config = request.generationConfig;
  let cut = text;
  for (const stop of config?.stopSequences ?? []) {
    const at = stop === "" ? -1 : cut.indexOf(stop);
    if (at >= 0) cut = cut.slice(0, at);
  }
  if (cut === "") return { text: "", finishReason: "STOP", edge: "noParts" };
  const budget = config?.maxOutputTokens === undefined ? undefined : config.maxOutputTokens - thoughtsTokens;
  if (budget !== undefined && estimateTextTokens(cut) > budget) {
    const kept = cut.slice(0, Math.max(0, budget) * 4);
    return { text: kept, finishReason: "MAX_TOKENS", edge: kept === "" ? "bareEmptyText" : undefined };
  }
  return { text: cut, finishReason: "STOP", edge: undefined };
}

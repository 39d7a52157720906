/**
 * A Turn as Gemini's wire shapes: the chunks of streamGenerateContent (deltas, running usage on every
 * chunk, finishReason only on the last, reference §3) and the single generateContent response (§2).
 */
import { randomBytes } from "node:crypto";
import type { CandidateTurn, Turn } from "./build-turn.js";
import { callTokens } from "./build-turn.js";
import { isJsonObject, type JsonObject } from "./parse-proto-json.js";
import type { FakeChunk, FakeFunctionCall } from "./types.js";

/** A url-safe id of 22 characters, like Google's `responseId`. */
export function newResponseId(): string {
  return randomBytes(16).toString("base64url");
}

export interface ResponseIdentity {
  modelVersion: string;
  responseId: string;
}

interface Step {
  /** `undefined` renders as `"content": {}`. */
  parts: JsonObject[] | undefined;
  /** Answer characters in this step; tokens are counted on the running total (about 4 per token). */
  textChars: number;
  callTokens: number;
  /** Content without a role, as the live API sends it when max tokens cut everything. */
  bare?: boolean;
}

const textPart = (text: string, thoughtSignature?: string): JsonObject =>
  thoughtSignature === undefined ? { text } : { text, thoughtSignature };

const callPart = (call: FakeFunctionCall, thoughtSignature?: string): JsonObject => ({
  functionCall: { id: call.id, name: call.name, args: call.args ?? {} },
  thoughtSignature,
});

function candidateSteps(candidate: CandidateTurn, closingEmptyChunk: boolean): Step[] {
  const { signature, signatureOn } = candidate;
  const steps: Step[] = [];
  const empty = { textChars: 0, callTokens: 0 };
  if (candidate.thoughts !== undefined) {
    steps.push({ parts: [{ text: candidate.thoughts, thought: true }], ...empty });
  }
  if (candidate.edge === "noParts") return [...steps, { parts: undefined, ...empty }];
  if (candidate.edge === "bareEmptyText") return [...steps, { parts: [{ text: "" }], ...empty, bare: true }];
  candidate.textPieces.forEach((piece, index) => {
    const pieceSignature = index === 0 && signatureOn === "firstText" ? signature : undefined;
    steps.push({ parts: [textPart(piece, pieceSignature)], textChars: piece.length, callTokens: 0 });
  });
  if (candidate.calls.length > 0) {
    steps.push({
      parts: candidate.calls.map((call, index) =>
        callPart(call, index === 0 && signatureOn === "firstCall" ? signature : undefined),
      ),
      textChars: 0,
      callTokens: candidate.calls.reduce((sum, call) => sum + callTokens(call), 0),
    });
  }
  if (closingEmptyChunk) {
    steps.push({ parts: [textPart("", signatureOn === "finalText" ? signature : undefined)], ...empty });
  }
  if (steps.length === 0) steps.push({ parts: [{ text: "" }], ...empty });
  return steps;
}

/** Google's key order: promptTokenCount, candidatesTokenCount, totalTokenCount, details, thoughts. */
function usageMetadata(turn: Turn, candidatesTokens: number): JsonObject {
  const override = turn.usageOverride ?? {};
  const prompt = override.promptTokenCount ?? turn.promptTokens;
  const candidates = override.candidatesTokenCount ?? (candidatesTokens > 0 ? candidatesTokens : undefined);
  const thoughts = override.thoughtsTokenCount ?? turn.thoughtsTokens;
  const toolUse = override.toolUsePromptTokenCount;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount:
      override.totalTokenCount ?? prompt + (candidates ?? 0) + (thoughts ?? 0) + (toolUse ?? 0),
    cachedContentTokenCount: override.cachedContentTokenCount,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
    thoughtsTokenCount: thoughts,
    toolUsePromptTokenCount: toolUse,
  };
}

function wireCandidate(step: Step, index: number, finish: CandidateTurn | undefined): JsonObject {
  let content: JsonObject = {};
  if (step.parts !== undefined)
    content = step.bare ? { parts: step.parts } : { parts: step.parts, role: "model" };
  return {
    content,
    finishReason: finish?.finishReason,
    finishMessage: finish?.finishMessage,
    index,
  };
}

export function turnToChunks(turn: Turn, identity: ResponseIdentity): JsonObject[] {
  const stepsPerCandidate = turn.candidates.map((candidate) =>
    candidateSteps(candidate, turn.closingEmptyChunk),
  );
  const chunkCount = Math.max(...stepsPerCandidate.map((steps) => steps.length));
  const chunks: JsonObject[] = [];
  let runningChars = 0;
  let runningCallTokens = 0;
  for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
    const candidates: JsonObject[] = [];
    stepsPerCandidate.forEach((steps, candidateIndex) => {
      const step = steps[chunkIndex];
      if (!step) return;
      runningChars += step.textChars;
      runningCallTokens += step.callTokens;
      const isLast = chunkIndex === steps.length - 1;
      candidates.push(
        wireCandidate(step, candidateIndex, isLast ? turn.candidates[candidateIndex] : undefined),
      );
    });
    chunks.push({
      candidates,
      usageMetadata: usageMetadata(turn, Math.ceil(runningChars / 4) + runningCallTokens),
      modelVersion: identity.modelVersion,
      responseId: identity.responseId,
    });
  }
  return chunks;
}

/** The final token counts of a turn, as its last chunk reports them. */
export function turnUsage(turn: Turn): {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount: number;
} {
  let chars = 0;
  let callTokens = 0;
  for (const candidate of turn.candidates) {
    for (const step of candidateSteps(candidate, false)) {
      chars += step.textChars;
      callTokens += step.callTokens;
    }
  }
  return usageMetadata(turn, Math.ceil(chars / 4) + callTokens) as ReturnType<typeof turnUsage>;
}

export function turnToResponse(turn: Turn, identity: ResponseIdentity): JsonObject {
  const candidates = turn.candidates.map((candidate, index) => {
    const parts: JsonObject[] = [];
    if (candidate.thoughts !== undefined) parts.push({ text: candidate.thoughts, thought: true });
    let content: JsonObject = { parts, role: "model" };
    if (candidate.edge === "noParts") content = {};
    else if (candidate.edge === "bareEmptyText") content = { parts: [{ text: "" }] };
    else {
      const textSigned = candidate.signatureOn === "firstText" || candidate.signatureOn === "finalText";
      if (candidate.textPieces.length > 0 || candidate.calls.length === 0) {
        parts.push(textPart(candidate.textPieces.join(""), textSigned ? candidate.signature : undefined));
      }
      candidate.calls.forEach((call, callIndex) => {
        const signed = callIndex === 0 && candidate.signatureOn === "firstCall";
        parts.push(callPart(call, signed ? candidate.signature : undefined));
      });
    }
    return { content, finishReason: candidate.finishReason, finishMessage: candidate.finishMessage, index };
  });
  return {
    candidates,
    usageMetadata: turnUsage(turn),
    modelVersion: identity.modelVersion,
    responseId: identity.responseId,
  };
}

function isPlainTextPart(part: unknown): part is { text: string; thought?: boolean } {
  if (!isJsonObject(part) || typeof part.text !== "string") return false;
  return Object.keys(part).every((name) => name === "text" || name === "thought");
}

/**
 * Raw chunks folded into one response, for a non-streaming call: adjacent unsigned text parts of the same
 * kind are concatenated, every other part is kept, and later scalar fields win.
 */
export function mergeChunks(chunks: readonly FakeChunk[]): JsonObject {
  const merged: JsonObject = { candidates: undefined };
  const candidates = new Map<number, { fields: JsonObject; parts: JsonObject[]; role: unknown }>();
  for (const chunk of chunks) {
    for (const [name, value] of Object.entries(chunk)) if (name !== "candidates") merged[name] = value;
    (chunk.candidates ?? []).forEach((candidate, position) => {
      const index = candidate.index ?? position;
      let entry = candidates.get(index);
      if (!entry) {
        entry = { fields: {}, parts: [], role: undefined };
        candidates.set(index, entry);
      }
      const { content, ...fields } = candidate as JsonObject;
      Object.assign(entry.fields, fields);
      if (!isJsonObject(content)) return;
      if (content.role !== undefined) entry.role = content.role;
      for (const part of Array.isArray(content.parts) ? content.parts : []) {
        const previous = entry.parts.at(-1);
        if (isPlainTextPart(part) && isPlainTextPart(previous) && part.thought === previous.thought) {
          previous.text += part.text;
        } else {
          entry.parts.push({ ...(part as JsonObject) });
        }
      }
    });
  }
  if (candidates.size > 0) {
    merged.candidates = [...candidates.values()].map(({ fields, parts, role }) => ({
      content: { parts, role },
      ...fields,
    }));
  }
  return merged;
}

/**
 * Google's OpenAI-compatibility layer, response side (reference §8): keys in alphabetical order, thoughts
 * inside `<thought>…</thought>` flagged by `extra_content.google.thought`, signatures in
 * `extra_content.google.thought_signature`, usage in the final content chunk of a stream.
 */
import { randomInt } from "node:crypto";
import type { CandidateTurn, Turn } from "./build-turn.js";
import type { JsonObject } from "./parse-proto-json.js";
import { turnUsage } from "./render-gemini.js";

export interface CompatIdentity {
  id: string;
  model: string;
  created: number;
}

function finishReason(candidate: CandidateTurn): string {
  if (candidate.calls.length > 0) return "tool_calls";
  switch (candidate.finishReason) {
    case "STOP":
      return "stop";
    case "MAX_TOKENS":
      return "length";
    default:
      return "content_filter";
  }
}

const googleExtra = (google: JsonObject): JsonObject | undefined =>
  Object.values(google).some((value) => value !== undefined) ? { google } : undefined;

const thoughtText = (thoughts: string) => `<thought>${thoughts}</thought>`;

function textSignature(candidate: CandidateTurn): string | undefined {
  return candidate.signatureOn === "firstCall" ? undefined : candidate.signature;
}

function toolCalls(candidate: CandidateTurn, withIndex: boolean): JsonObject[] {
  return candidate.calls.map((call, index) => ({
    extra_content:
      index === 0 && candidate.signatureOn === "firstCall"
        ? googleExtra({ thought_signature: candidate.signature })
        : undefined,
    function: { arguments: JSON.stringify(call.args ?? {}), name: call.name },
    id: call.id ?? `function-call-${randomInt(1e12)}${randomInt(1e8)}`,
    index: withIndex ? index : undefined,
    type: "function",
  }));
}

function usage(turn: Turn): JsonObject {
  const totals = turnUsage(turn);
  return {
    completion_tokens: totals.candidatesTokenCount ?? 0,
    prompt_tokens: totals.promptTokenCount,
    total_tokens: totals.totalTokenCount,
  };
}

export function turnToChatCompletion(turn: Turn, identity: CompatIdentity): JsonObject {
  return {
    choices: turn.candidates.map((candidate, index) => {
      const text = candidate.textPieces.join("");
      const content = `${candidate.thoughts === undefined ? "" : thoughtText(candidate.thoughts)}${text}`;
      return {
        finish_reason: finishReason(candidate),
        index,
        message: {
          content: content === "" && candidate.calls.length > 0 ? null : content,
          extra_content: googleExtra({
            thought: candidate.thoughts === undefined ? undefined : true,
            thought_signature: textSignature(candidate),
          }),
          role: "assistant",
          tool_calls: candidate.calls.length > 0 ? toolCalls(candidate, false) : undefined,
        },
      };
    }),
    created: identity.created,
    id: identity.id,
    model: identity.model,
    object: "chat.completion",
    usage: usage(turn),
  };
}

function candidateDeltas(candidate: CandidateTurn): JsonObject[] {
  const deltas: JsonObject[] = [];
  if (candidate.thoughts !== undefined) {
    deltas.push({
      content: thoughtText(candidate.thoughts),
      extra_content: { google: { thought: true } },
      role: "assistant",
    });
  }
  for (const piece of candidate.textPieces) deltas.push({ content: piece, role: "assistant" });
  if (candidate.calls.length > 0) deltas.push({ role: "assistant", tool_calls: toolCalls(candidate, true) });
  if (deltas.length === 0) deltas.push({ content: "", role: "assistant" });
  const signature = textSignature(candidate);
  const last = deltas.at(-1)!;
  if (signature !== undefined) last.extra_content = { google: { thought_signature: signature } };
  return deltas;
}

export function turnToChatChunks(turn: Turn, identity: CompatIdentity): JsonObject[] {
  const deltasPerCandidate = turn.candidates.map(candidateDeltas);
  const chunkCount = Math.max(...deltasPerCandidate.map((deltas) => deltas.length));
  const chunks: JsonObject[] = [];
  for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
    const choices: JsonObject[] = [];
    deltasPerCandidate.forEach((deltas, index) => {
      const delta = deltas[chunkIndex];
      if (!delta) return;
      const isLast = chunkIndex === deltas.length - 1;
      choices.push({ delta, finish_reason: isLast ? finishReason(turn.candidates[index]!) : null, index });
    });
    chunks.push({
      choices,
      created: identity.created,
      id: identity.id,
      model: identity.model,
      object: "chat.completion.chunk",
      usage: chunkIndex === chunkCount - 1 ? usage(turn) : undefined,
    });
  }
  return chunks;
}

import { withoutModelsPrefix } from "../gemini/model-id.js";
import type { GeminiThinkingLevel } from "../gemini/wire-types.js";

/**
 * How a model's thinking can be configured. Sending a value the model refuses is a 400
 * ("Budget 0 is invalid. This model only works in thinking mode.", "Thinking level MEDIUM is not
 * supported for this model."), so every request is shaped by this table.
 * - `budget`: Gemini 2.5, `thinkingBudget` in [minimum, maximum]; 0 turns thinking off where allowed.
 * - `level`: Gemini 3 and later, `thinkingLevel` from the levels the model accepts; cannot be turned off.
 * - `default-only`: a model that thinks but whose scheme is unknown (the `-latest` aliases move between
 *   generations): only `includeThoughts` is sent.
 * - `none`: no thinking (Gemini 2.0, Gemma, image/TTS/live variants): no `thinkingConfig` at all.
 */
export type ThinkingSupport =
  | { kind: "budget"; minimum: number; maximum: number; canDisable: boolean }
  | { kind: "level"; levels: readonly GeminiThinkingLevel[] }
  | { kind: "default-only" }
  | { kind: "none" };

/** Levels ordered from least to most thinking. */
export const thinkingLevelsInOrder: readonly GeminiThinkingLevel[] = ["MINIMAL", "LOW", "MEDIUM", "HIGH"];

const gemini25Pro: ThinkingSupport = { kind: "budget", minimum: 128, maximum: 32768, canDisable: false };
const gemini25Flash: ThinkingSupport = { kind: "budget", minimum: 1, maximum: 24576, canDisable: true };
const gemini25FlashLite: ThinkingSupport = { kind: "budget", minimum: 512, maximum: 24576, canDisable: true };
const gemini3Flash: ThinkingSupport = { kind: "level", levels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"] };
/**
 * Gemini 3 Pro takes only LOW and HIGH. Later 3.x models have refused MINIMAL (recorded for a 3.7
 * flash), so an unknown Gemini 3+ model gets the two levels every one of them has accepted.
 */
const gemini3LowHigh: ThinkingSupport = { kind: "level", levels: ["LOW", "HIGH"] };

/** Variants that do not take a thinking configuration even inside a thinking family. */
const variantsWithoutThinking = /-image|-tts|native-audio|-live|embedding|-robotics/;

export function thinkingSupportFor(model: string): ThinkingSupport {
  const name = withoutModelsPrefix(model).toLowerCase();
  if (!name.startsWith("gemini-") || variantsWithoutThinking.test(name)) return { kind: "none" };
  if (name.startsWith("gemini-2.5-")) {
    if (name.startsWith("gemini-2.5-pro")) return gemini25Pro;
    if (name.startsWith("gemini-2.5-flash-lite")) return gemini25FlashLite;
    if (name.startsWith("gemini-2.5-flash")) return gemini25Flash;
    return { kind: "none" };
  }
  if (name.startsWith("gemini-3-flash")) return gemini3Flash;
  if (/^gemini-(?:[3-9]|\d{2,})/.test(name)) return gemini3LowHigh;
  if (name.endsWith("-latest") && !name.startsWith("gemini-1") && !name.startsWith("gemini-2.0")) {
    return { kind: "default-only" };
  }
  return { kind: "none" };
}

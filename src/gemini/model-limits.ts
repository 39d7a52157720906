import { withoutModelsPrefix } from "./model-id.js";

/** The largest value Gemini's int32 fields take (`seed`, `maxOutputTokens`, `thinkingBudget`, `topK`…). */
export const GEMINI_INT32_MAX = 2_147_483_647;

/**
 * Output limits (`outputTokenLimit` in Google's model list) by model family. A client asking for more
 * (Claude Code sends `max_tokens: 32000`, some clients 2^32) gets the model's limit instead of a 400:
 * the limit is what Gemini would use when no limit is sent at all.
 */
const OUTPUT_LIMITS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^gemini-(?:1\.5|2\.0)-/, 8_192],
  [/^gemini-2\.5-.*(?:-image|-tts)/, 8_192],
  [/^gemini-2\.5-/, 65_536],
  [/^gemini-(?:[3-9]|\d{2,})/, 65_536],
  [/^gemma-/, 8_192],
];

/** The model's output limit when its family is known, else `undefined` (then only int32 applies). */
export function outputTokenLimitFor(model: string): number | undefined {
  const name = withoutModelsPrefix(model).toLowerCase();
  for (const [family, limit] of OUTPUT_LIMITS) if (family.test(name)) return limit;
  return undefined;
}

/** A requested output limit, clamped to what the model can give (and to int32). */
export function clampMaxOutputTokens(model: string, requested: number): number {
  return Math.min(requested, outputTokenLimitFor(model) ?? GEMINI_INT32_MAX, GEMINI_INT32_MAX);
}

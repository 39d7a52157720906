/**
 * Whether a request makes the model think, and Google's refusals of thinking settings a model does not
 * take (reference §1).
 */
import type { GeminiGenerateContentRequest } from "../../src/gemini/wire-types.js";
import type { FakeModel } from "./catalog.js";
import { FakeHttpError, geminiErrors } from "./errors.js";

export interface ThinkingPlan {
  /** The model thinks, so usage reports `thoughtsTokenCount`. */
  on: boolean;
  /** The request asked for thought summaries (`includeThoughts: true`). */
  includeThoughts: boolean;
}

/** Throws the 400 for a setting the model refuses. Models that do not think ignore thinkingConfig. */
export function checkThinkingConfig(request: GeminiGenerateContentRequest, model: FakeModel): void {
  const config = request.generationConfig?.thinkingConfig;
  if (!config || !model.thinking) return;
  const level = config.thinkingLevel as string | undefined;
  const refuse = (message: string) => {
    throw new FakeHttpError(geminiErrors.invalidArgument(message));
  };
  if (level !== undefined && config.thinkingBudget !== undefined) {
    refuse("You can only set only one of thinking budget and thinking level.");
  }
  if (
    level !== undefined &&
    level !== "THINKING_LEVEL_UNSPECIFIED" &&
    !model.thinking.levels.includes(config.thinkingLevel!)
  ) {
    refuse(`Thinking level ${level} is not supported for this model.`);
  }
  if (config.thinkingBudget === 0 && !model.thinking.canDisable) {
    refuse("Budget 0 is invalid. This model only works in thinking mode.");
  }
}

export function planThinking(request: GeminiGenerateContentRequest, model: FakeModel): ThinkingPlan {
  const config = request.generationConfig?.thinkingConfig;
  const includeThoughts = config?.includeThoughts === true;
  if (!model.thinking) return { on: false, includeThoughts };
  let on = model.thinking.defaultOn;
  if (config?.thinkingBudget !== undefined) on = config.thinkingBudget !== 0;
  else if (config?.thinkingLevel !== undefined) on = true;
  return { on, includeThoughts };
}

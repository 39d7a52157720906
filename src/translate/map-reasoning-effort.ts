import type { GeminiThinkingConfig, GeminiThinkingLevel } from "../gemini/wire-types.js";
import type { GoogleThinkingConfig, ReasoningEffort } from "../openai/chat-request-schema.js";
import { assertNever } from "./assert-never.js";
import { type ThinkingSupport, thinkingLevelsInOrder, thinkingSupportFor } from "./model-thinking-support.js";

/** Whether thoughts reach the client as `reasoning_content` (the `REASONING_OUTPUT` setting). */
export type ReasoningOutput = "reasoning_content" | "none";

/**
 * Budgets for Gemini 2.5, as Google's own OpenAI layer maps effort (1K / 8K / 24K), extended at both
 * ends; each is clamped into the model's range.
 */
const budgetByEffort: Readonly<Record<Exclude<ReasoningEffort, "none">, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 32768,
};

const levelByEffort: Readonly<Record<ReasoningEffort, GeminiThinkingLevel>> = {
  none: "MINIMAL",
  minimal: "MINIMAL",
  low: "LOW",
  medium: "MEDIUM",
  high: "HIGH",
  xhigh: "HIGH",
  max: "HIGH",
};

export interface ThinkingRequest {
  model: string;
  effort: ReasoningEffort | null | undefined;
  reasoningOutput: ReasoningOutput;
  /** Google's compatibility form (`extra_body.google.thinking_config`), honoured when present. */
  explicitConfig?: GoogleThinkingConfig | null | undefined;
}

/**
 * `reasoning_effort` → `generationConfig.thinkingConfig`, never a value the model refuses and never
 * both a level and a budget. `includeThoughts` is asked for only when thoughts will be shown and the
 * client did not ask for no reasoning (`none`): on models that cannot stop thinking, `none` still means
 * "do not show me reasoning".
 */
export function buildThinkingConfig(request: ThinkingRequest): GeminiThinkingConfig | undefined {
  const support = thinkingSupportFor(request.model);
  const showThoughts = request.reasoningOutput === "reasoning_content";
  if (request.explicitConfig) return fromExplicitConfig(request.explicitConfig, support, showThoughts);
  if (support.kind === "none") return undefined;

  const effort = request.effort ?? undefined;
  const config: GeminiThinkingConfig = {};
  if (showThoughts && effort !== "none") config.includeThoughts = true;
  if (effort !== undefined) {
    switch (support.kind) {
      case "budget":
        config.thinkingBudget = budgetFor(effort, support);
        break;
      case "level":
        config.thinkingLevel = levelFor(effort, support.levels);
        break;
      case "default-only":
        break;
      default:
        assertNever(support, "thinking support");
    }
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function budgetFor(effort: ReasoningEffort, support: Extract<ThinkingSupport, { kind: "budget" }>): number {
  if (effort === "none") return support.canDisable ? 0 : support.minimum;
  return Math.min(support.maximum, Math.max(support.minimum, budgetByEffort[effort]));
}

/** The wanted level if the model has it, else the next higher one it has, else its highest. */
export function levelFor(
  effort: ReasoningEffort,
  levels: readonly GeminiThinkingLevel[],
): GeminiThinkingLevel {
  const wanted = thinkingLevelsInOrder.indexOf(levelByEffort[effort]);
  for (const level of thinkingLevelsInOrder.slice(wanted)) {
    if (levels.includes(level)) return level;
  }
  return levels.at(-1) ?? "HIGH";
}

function fromExplicitConfig(
  explicit: GoogleThinkingConfig,
  support: ThinkingSupport,
  showThoughts: boolean,
): GeminiThinkingConfig | undefined {
  const config: GeminiThinkingConfig = {};
  const includeThoughts = explicit.include_thoughts ?? support.kind !== "none";
  if (showThoughts && includeThoughts) config.includeThoughts = true;
  if (typeof explicit.thinking_level === "string" && explicit.thinking_level !== "") {
    config.thinkingLevel = explicit.thinking_level.toUpperCase() as GeminiThinkingLevel;
  } else if (typeof explicit.thinking_budget === "number") {
    config.thinkingBudget = explicit.thinking_budget;
    // A budget of 0 turns thinking off; asking for thoughts as well is contradictory.
    if (explicit.thinking_budget === 0) delete config.includeThoughts;
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

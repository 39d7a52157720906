import type { GeminiThinkingConfig } from "../../gemini/wire-types.js";
import type { ReasoningEffort } from "../../openai/chat-request-schema.js";
import { assertNever } from "../../translate/assert-never.js";
import { buildThinkingConfig, levelFor, type ReasoningOutput } from "../../translate/map-reasoning-effort.js";
import { thinkingSupportFor } from "../../translate/model-thinking-support.js";
import type { Effort, ThinkingConfig } from "./request-schema.js";

export interface ThinkingRequest {
  model: string;
  thinking: ThinkingConfig | null | undefined;
  /** `output_config.effort`. */
  effort: Effort | null | undefined;
  /** `REASONING_OUTPUT`: `none` keeps thoughts from every client. */
  reasoningOutput: ReasoningOutput;
}

/**
 * Anthropic's `thinking` and `output_config.effort` → Gemini's `thinkingConfig`, never a value the model
 * refuses (model-thinking-support.ts):
 * - `disabled`: the least thinking the model allows (a budget of 0 where it can stop thinking, else its
 *   minimum budget or lowest level);
 * - `enabled` with `budget_tokens`: that budget, clamped into the model's range on Gemini 2.5; on Gemini 3
 *   the level whose budget it is nearest (up to 1K low, up to 8K medium, more high);
 * - `adaptive`, or no `thinking`: the effort's budget or level when `effort` is set (as for
 *   `reasoning_effort` on the chat route), else Gemini's own dynamic thinking.
 * Thought summaries are asked for (`includeThoughts`) only with `enabled` or `adaptive` thinking whose
 * `display` is not `omitted`: without `thinking` an Anthropic client expects no thinking blocks.
 */
export function convertThinking(request: ThinkingRequest): GeminiThinkingConfig | undefined {
  const { model, thinking } = request;
  const support = thinkingSupportFor(model);
  if (support.kind === "none") return undefined;
  const shown =
    request.reasoningOutput === "reasoning_content" &&
    thinking !== null &&
    thinking !== undefined &&
    thinking.type !== "disabled" &&
    thinking.display !== "omitted";
  const reasoningOutput: ReasoningOutput = shown ? "reasoning_content" : "none";
  const effort: ReasoningEffort | undefined = request.effort ?? undefined;

  switch (thinking?.type) {
    case undefined:
    case "adaptive":
      return buildThinkingConfig({ model, effort, reasoningOutput });
    case "disabled":
      return buildThinkingConfig({ model, effort: "none", reasoningOutput: "none" });
    case "enabled": {
      const config: GeminiThinkingConfig = shown ? { includeThoughts: true } : {};
      switch (support.kind) {
        case "budget":
          config.thinkingBudget = Math.min(
            support.maximum,
            Math.max(support.minimum, thinking.budget_tokens),
          );
          break;
        case "level":
          config.thinkingLevel = levelFor(effortForBudget(thinking.budget_tokens), support.levels);
          break;
        case "default-only":
          break;
        default:
          assertNever(support, "thinking support");
      }
      return Object.keys(config).length > 0 ? config : undefined;
    }
    default:
      return assertNever(thinking, "thinking");
  }
}

/** The effort whose Gemini 2.5 budget (1K / 8K / 24K) a budget is nearest, for models that take levels. */
function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens <= 1024) return "low";
  if (budgetTokens <= 8192) return "medium";
  return "high";
}

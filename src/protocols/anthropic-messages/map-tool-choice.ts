import type { GeminiToolConfig } from "../../gemini/wire-types.js";
import { assertNever } from "../../translate/assert-never.js";
import type { ToolNameMap } from "../../translate/tool-name-map.js";
import type { ToolChoice } from "./request-schema.js";

/**
 * Anthropic `tool_choice` → Gemini `functionCallingConfig`; undefined leaves Gemini's default (AUTO).
 * Only asked for when functions are declared: Gemini refuses a calling config without declarations
 * ("Function calling config is set without function_declarations"). `disable_parallel_tool_use` has no
 * Gemini counterpart and is accepted as a wish.
 */
export function convertToolChoice(
  toolChoice: ToolChoice | null | undefined,
  toolNames: ToolNameMap,
): GeminiToolConfig | undefined {
  if (toolChoice === null || toolChoice === undefined) return undefined;
  switch (toolChoice.type) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "any":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return {
        functionCallingConfig: { mode: "ANY", allowedFunctionNames: [toolNames.toGemini(toolChoice.name)] },
      };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    default:
      return assertNever(toolChoice, "tool_choice");
  }
}

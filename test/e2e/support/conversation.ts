/**
 * Shared pieces of the real-client tests: the tools agents declare and a Gemini 3 tool loop's history.
 */
import type { ChatCompletionFunctionTool } from "openai/resources/chat/completions";
import { mcpSearchParameters, rooStrictReadFileTool } from "../../unit/translate/fixtures/client-requests.js";

export const PLACEHOLDER_SIGNATURE = "skip_thought_signature_validator";

/** Roo's strict read_file, a raw MCP tool and a tool without parameters, in OpenAI's `tools` shape. */
export const agentTools: ChatCompletionFunctionTool[] = [
  rooStrictReadFileTool as ChatCompletionFunctionTool,
  {
    type: "function" as const,
    function: {
      name: "mcp--srv--search",
      description: "search",
      strict: false,
      parameters: mcpSearchParameters,
    },
  },
  {
    type: "function" as const,
    function: { name: "ping", description: "no args", parameters: { type: "object", properties: {} } },
  },
];

export const listFilesTool: ChatCompletionFunctionTool = {
  type: "function" as const,
  function: {
    name: "list_files",
    description: "List the files of a folder",
    parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  },
};

/** The first functionCall part of every model content of a Gemini request body. */
export function firstFunctionCallsOf(body: Record<string, any>): Array<Record<string, any>> {
  return (body.contents as Array<Record<string, any>>)
    .filter((content) => content.role === "model")
    .map((content) => content.parts.find((part: any) => part.functionCall !== undefined))
    .filter((part): part is Record<string, any> => part !== undefined);
}

export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"] as const;

/** Every model family with its own thinking rules in the fake (budget, budget off, levels). */
export const THINKING_MODELS = [
  "gemini-2.5-pro",
  "gemini-2.5-flash",
  "gemini-2.5-flash-lite",
  "gemini-3-pro-preview",
  "gemini-3-flash-preview",
] as const;

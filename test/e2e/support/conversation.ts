/**
 * Shared pieces of the real-client tests: the tools agents declare, a Gemini 3 tool loop's history and
 * the scripted loop that answers it.
 */
import type { ChatCompletionFunctionTool } from "openai/resources/chat/completions";
import { reply } from "../../fake-gemini/replies.js";
import type { FakeGemini } from "../../fake-gemini/types.js";
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

/** The agent loop the real-client tests drive: list the files, read the README, then answer. */
export function scriptAgentLoop(fake: FakeGemini): void {
  fake.enqueue(reply.functionCalls([{ name: "list_files", args: { path: "." } }]));
  fake.enqueue(reply.functionCalls([{ name: "read_file", args: { path: "README.md", mode: "slice" } }]));
  fake.enqueue(reply.text("It pools Gemini keys."));
}

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

import type { GeminiTool } from "../../gemini/wire-types.js";
import type { FunctionDefinition } from "../../openai/chat-request-schema.js";
import {
  type AnthropicMessage,
  type AnthropicTool,
  type CustomTool,
  isCustomTool,
  type ToolChoice,
} from "./request-schema.js";

export interface SelectedTools {
  /** The client's tools Gemini is told about, as function definitions. */
  functions: FunctionDefinition[];
  /** Gemini's own tools standing in for Anthropic's server tools, when no function is declared. */
  builtIns: GeminiTool[];
  /** Every custom tool of the request by name, deferred ones included (ToolSearch results show them). */
  customTools: ReadonlyMap<string, CustomTool>;
}

/**
 * Which of the request's tools Gemini sees.
 *
 * - Custom tools are declared as functions, except `defer_loading` ones the conversation has not loaded
 *   yet. Anthropic's tool search keeps a deferred tool out of the model's context until a `tool_reference`
 *   block (Claude Code's ToolSearch result) names it; Claude Code relies on that for its
 *   `DeferredToolPlaceholder`, a tool that must never be called. A deferred tool counts as loaded once a
 *   tool_reference names it, a tool_use in the history calls it, or `tool_choice` names it.
 * - Anthropic's server tools have no client-side runner. Web search and web fetch become Gemini's
 *   `googleSearch` and `urlContext`, code execution its `codeExecution`, but only in a request that
 *   declares no function: Gemini refuses built-in tools beside function declarations ("Tool use with
 *   function calling is unsupported"), and Claude Code's WebSearch tool sends its searches as a separate
 *   request holding only `web_search`. Any other
 *   server tool (`bash_…`, `text_editor_…`, `computer_…`, `memory_…`, tool search) is left out rather
 *   than failing the request.
 */
export function selectTools(
  tools: readonly AnthropicTool[] | null | undefined,
  messages: readonly AnthropicMessage[],
  toolChoice: ToolChoice | null | undefined,
): SelectedTools {
  const customTools = new Map<string, CustomTool>();
  const serverToolTypes: string[] = [];
  for (const tool of tools ?? []) {
    if (isCustomTool(tool)) customTools.set(tool.name, tool);
    else serverToolTypes.push(tool.type);
  }

  const loaded = loadedToolNames(messages);
  if (toolChoice?.type === "tool") loaded.add(toolChoice.name);
  const functions: FunctionDefinition[] = [];
  for (const tool of customTools.values()) {
    if (tool.defer_loading === true && !loaded.has(tool.name)) continue;
    functions.push({ name: tool.name, description: tool.description, parameters: tool.input_schema });
  }

  const builtIns = functions.length > 0 ? [] : builtInToolsFor(serverToolTypes);
  return { functions, builtIns, customTools };
}

/** Names the conversation has loaded: tool_reference blocks in tool results, and calls it made. */
function loadedToolNames(messages: readonly AnthropicMessage[]): Set<string> {
  const names = new Set<string>();
  for (const message of messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_use") names.add(block.name);
      if (block.type !== "tool_result" || typeof block.content === "string") continue;
      for (const resultBlock of block.content ?? []) {
        if (resultBlock.type === "tool_reference") names.add(resultBlock.tool_name);
      }
    }
  }
  return names;
}

/** `web_search_20250305` → googleSearch, `web_fetch_…` → urlContext, `code_execution_…` → codeExecution. */
function builtInToolsFor(serverToolTypes: readonly string[]): GeminiTool[] {
  const builtIns: GeminiTool[] = [];
  const add = (tool: GeminiTool) => {
    const key = Object.keys(tool)[0];
    if (!builtIns.some((existing) => Object.keys(existing)[0] === key)) builtIns.push(tool);
  };
  for (const type of serverToolTypes) {
    if (type.startsWith("web_search_")) add({ googleSearch: {} });
    else if (type.startsWith("web_fetch_")) add({ urlContext: {} });
    else if (type.startsWith("code_execution_")) add({ codeExecution: {} });
  }
  return builtIns;
}

import type { GeminiTool, GeminiToolConfig } from "../../gemini/wire-types.js";
import type { FunctionDefinition } from "../../openai/chat-request-schema.js";
import { convertToolChoice, convertTools, type ToolSchemaFormat } from "../../translate/convert-tools.js";
import { createToolNameMap, type ToolNameMap } from "../../translate/tool-name-map.js";
import type {
  ResponsesCustomTool,
  ResponsesFunctionTool,
  ResponsesInputItem,
  ResponsesTool,
  ResponsesToolChoice,
} from "./request-schema.js";

/**
 * A tool as the client knows it. `custom` tools take one free-form string; `namespace` is set for a tool
 * declared inside a `namespace` tool, whose calls Codex routes by namespace and name (a call that names
 * `multi_agent_v1.close_agent` instead is refused there as "unsupported call").
 */
export interface ClientTool {
  kind: "function" | "custom";
  name: string;
  namespace?: string;
}

/** Client tools ↔ the Gemini function names the request declared them as. */
export interface ResponsesToolMap {
  toGemini(tool: Pick<ClientTool, "name" | "namespace">): string;
  /** The client tool a Gemini function call names; an unknown name is a plain function. */
  toClient(geminiName: string): ClientTool;
}

export interface ConvertedTools {
  tools: GeminiTool[] | undefined;
  toolConfig: GeminiToolConfig | undefined;
  map: ResponsesToolMap;
}

/** The one argument of a custom tool as Gemini sees it. */
export const CUSTOM_TOOL_INPUT = "input";

/**
 * `tools` and `tool_choice` → Gemini function declarations and `functionCallingConfig`. Function tools
 * keep their JSON Schema; a custom tool becomes a function with one string argument (its grammar, when
 * it has one, is told in the description); a namespace's tools are declared as `namespace.name`, which
 * Gemini accepts; hosted tools (`web_search`, `local_shell`, `mcp`…) are left out, never failing the
 * request. Names Gemini would refuse are mapped as on the chat route (tool-name-map.ts).
 */
export function convertResponsesTools(
  tools: readonly ResponsesTool[],
  toolChoice: ResponsesToolChoice | null | undefined,
  history: readonly ResponsesInputItem[],
  schemaFormat: ToolSchemaFormat,
): ConvertedTools {
  const declared = new Map<string, { tool: ClientTool; definition: FunctionDefinition }>();
  const declare = (tool: ResponsesFunctionTool | ResponsesCustomTool, namespace?: ToolNamespace) => {
    const client: ClientTool = { kind: tool.type === "custom" ? "custom" : "function", name: tool.name };
    if (namespace !== undefined) client.namespace = namespace.name;
    const qualified = qualifiedName(client);
    declared.set(qualified, { tool: client, definition: definitionFor(tool, qualified, namespace) });
  };
  for (const tool of tools) {
    if (tool.type === "function" || tool.type === "custom") declare(tool);
    else if (tool.type === "namespace") {
      for (const inner of tool.tools) declare(inner, { name: tool.name, description: tool.description });
    }
  }

  const historyTools = new Map<string, ClientTool>();
  for (const item of history) {
    if (item.type !== "function_call" && item.type !== "custom_tool_call") continue;
    const client: ClientTool = {
      kind: item.type === "custom_tool_call" ? "custom" : "function",
      name: item.name,
    };
    if (item.namespace) client.namespace = item.namespace;
    historyTools.set(qualifiedName(client), client);
  }
  const names = createToolNameMap([...declared.keys(), ...historyTools.keys()]);
  const map: ResponsesToolMap = {
    toGemini: (tool) => names.toGemini(qualifiedName(tool)),
    toClient: (geminiName) => {
      const qualified = names.toOpenAI(geminiName);
      return (
        declared.get(qualified)?.tool ?? historyTools.get(qualified) ?? { kind: "function", name: qualified }
      );
    },
  };

  const choice = planToolChoice(toolChoice, declared, map);
  const definitions = [...declared.values()]
    .filter(({ tool }) => choice.allowed === undefined || choice.allowed.has(qualifiedName(tool)))
    .map(({ definition }) => definition);
  const geminiTools = convertTools(definitions, names, schemaFormat);
  return {
    tools: geminiTools,
    toolConfig: geminiTools === undefined ? undefined : choice.config,
    map,
  };
}

interface ToolNamespace {
  name: string;
  description: string | null | undefined;
}

function qualifiedName(tool: Pick<ClientTool, "name" | "namespace">): string {
  return tool.namespace ? `${tool.namespace}.${tool.name}` : tool.name;
}

function definitionFor(
  tool: ResponsesFunctionTool | ResponsesCustomTool,
  qualified: string,
  namespace: ToolNamespace | undefined,
): FunctionDefinition {
  const descriptions = [namespace?.description, tool.description];
  if (tool.type === "function") {
    return { name: qualified, description: joinDescriptions(descriptions), parameters: tool.parameters };
  }
  const format = tool.format;
  if (format?.type === "grammar") {
    descriptions.push(
      `The '${CUSTOM_TOOL_INPUT}' argument must follow this ${format.syntax ?? ""} grammar:\n${format.definition}`,
    );
  }
  return {
    name: qualified,
    description: joinDescriptions(descriptions),
    parameters: {
      type: "object",
      properties: {
        [CUSTOM_TOOL_INPUT]: { type: "string", description: "The tool's whole input, as free text." },
      },
      required: [CUSTOM_TOOL_INPUT],
    },
  };
}

function joinDescriptions(descriptions: ReadonlyArray<string | null | undefined>): string | undefined {
  const present = descriptions.filter((text): text is string => typeof text === "string" && text !== "");
  return present.length > 0 ? present.join("\n\n") : undefined;
}

interface ToolChoicePlan {
  config: GeminiToolConfig | undefined;
  /** Qualified names the model may see; undefined for all. */
  allowed?: Set<string>;
}

/**
 * `allowed_tools` with mode `auto` declares only the allowed tools, because Gemini takes
 * `allowedFunctionNames` only in mode ANY; with mode `required` it is ANY over those names.
 */
function planToolChoice(
  toolChoice: ResponsesToolChoice | null | undefined,
  declared: ReadonlyMap<string, unknown>,
  map: ResponsesToolMap,
): ToolChoicePlan {
  if (toolChoice === null || toolChoice === undefined) return { config: undefined };
  if (typeof toolChoice === "string") return { config: convertToolChoice(toolChoice, toolNamesOf(map)) };
  if (toolChoice.type !== "allowed_tools") {
    return {
      config: convertToolChoice({ type: "function", function: { name: toolChoice.name } }, toolNamesOf(map)),
    };
  }
  const allowed = new Set(
    toolChoice.tools.flatMap((tool) =>
      typeof tool.name === "string" && declared.has(tool.name) ? [tool.name] : [],
    ),
  );
  if (allowed.size === 0) return { config: { functionCallingConfig: { mode: "NONE" } } };
  if (toolChoice.mode === "auto") return { config: { functionCallingConfig: { mode: "AUTO" } }, allowed };
  return {
    config: {
      functionCallingConfig: {
        mode: "ANY",
        allowedFunctionNames: [...allowed].map((name) => map.toGemini({ name })),
      },
    },
    allowed,
  };
}

/** convert-tools.ts speaks the chat route's `ToolNameMap` (names without a namespace). */
function toolNamesOf(map: ResponsesToolMap): ToolNameMap {
  return {
    toGemini: (name) => map.toGemini({ name }),
    toOpenAI: (geminiName) => map.toClient(geminiName).name,
  };
}

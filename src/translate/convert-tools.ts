import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from "../gemini/wire-types.js";
import type { FunctionDefinition, ToolChoice } from "../openai/chat-request-schema.js";
import { assertNever } from "./assert-never.js";
import { cleanJsonSchemaForGemini } from "./clean-json-schema.js";
import { isPlainObject } from "./convert-tool-result.js";
import type { ToolNameMap } from "./tool-name-map.js";

/**
 * How tool schemas travel to Gemini.
 * - `json-schema` (default): the client's JSON Schema as `parametersJsonSchema`. Gemini takes real JSON
 *   Schema there (a request with `$schema`, `additionalProperties: false` and `required` was recorded
 *   with a 200), so Roo's strict schemas and raw MCP schemas (`anyOf`, `$ref`, `["T","null"]`,
 *   `exclusiveMinimum`, `default`, `format`) keep their full meaning, and no cleaning rule can drop a
 *   constraint the model needs or miss a keyword Gemini would refuse. This is the more robust choice.
 * - `openapi`: the schema cleaned into the OpenAPI subset for `parameters` (clean-json-schema.ts), for
 *   an upstream that refuses `parametersJsonSchema`.
 */
export type ToolSchemaFormat = "json-schema" | "openapi";

export function convertTools(
  functions: readonly FunctionDefinition[],
  toolNames: ToolNameMap,
  format: ToolSchemaFormat,
): GeminiTool[] | undefined {
  if (functions.length === 0) return undefined;
  const functionDeclarations = functions.map((definition) => {
    const declaration: GeminiFunctionDeclaration = { name: toolNames.toGemini(definition.name) };
    if (definition.description) declaration.description = definition.description;
    const parameters = format === "json-schema" ? toParametersJsonSchema(definition.parameters) : undefined;
    if (parameters !== undefined) declaration.parametersJsonSchema = parameters;
    if (format === "openapi") {
      const cleaned = cleanJsonSchemaForGemini(definition.parameters);
      if (cleaned !== undefined) declaration.parameters = cleaned;
    }
    return declaration;
  });
  return [{ functionDeclarations }];
}

/**
 * The schema as given, except what is not JSON Schema: OpenAI's function-level `strict` flag, when a
 * client leaves it inside `parameters`. A tool without parameters (`{}`, or an object schema with no
 * properties and nothing else) sends none: Gemini documents "for function with no parameters, this can
 * be left unset", and the model then calls it with no arguments.
 */
function toParametersJsonSchema(parameters: Record<string, unknown> | null | undefined) {
  if (!isPlainObject(parameters)) return undefined;
  const { strict: _strict, ...schema } = parameters;
  if (describesNoParameters(schema)) return undefined;
  // Gemini requires the parameters schema to describe an object.
  if (schema.type === undefined && isPlainObject(schema.properties)) return { type: "object", ...schema };
  return schema;
}

/** Keywords that say nothing about any argument when no property is declared. */
const emptyObjectKeywords = new Set([
  "$schema",
  "type",
  "title",
  "description",
  "properties",
  "required",
  "additionalProperties",
]);

function describesNoParameters(schema: Record<string, unknown>): boolean {
  for (const [keyword, value] of Object.entries(schema)) {
    if (!emptyObjectKeywords.has(keyword)) return false;
    if (keyword === "type" && value !== "object") return false;
    if (keyword === "properties" && isPlainObject(value) && Object.keys(value).length > 0) return false;
    if (keyword === "additionalProperties" && value !== false && value !== undefined) return false;
  }
  return true;
}

/** OpenAI `tool_choice` → Gemini `functionCallingConfig`; undefined leaves Gemini's default (AUTO). */
export function convertToolChoice(
  toolChoice: ToolChoice | null | undefined,
  toolNames: ToolNameMap,
): GeminiToolConfig | undefined {
  if (toolChoice === null || toolChoice === undefined) return undefined;
  if (typeof toolChoice === "object") {
    return {
      functionCallingConfig: {
        mode: "ANY",
        allowedFunctionNames: [toolNames.toGemini(toolChoice.function.name)],
      },
    };
  }
  switch (toolChoice) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    default:
      return assertNever(toolChoice, "tool_choice");
  }
}

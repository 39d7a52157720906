import type { GeminiPart } from "../../gemini/wire-types.js";
import { assertNever } from "../../translate/assert-never.js";
import { toFunctionResponseBody } from "../../translate/convert-tool-result.js";
import {
  convertDocumentBlock,
  convertImageBlock,
  type MediaContext,
  searchResultText,
} from "./convert-user-blocks.js";
import type { CustomTool, ToolResultBlock } from "./request-schema.js";

export interface ToolResultContext extends MediaContext {
  /** Every custom tool of the request by name, for the tool_reference blocks of ToolSearch results. */
  customTools: ReadonlyMap<string, CustomTool>;
}

export interface ConvertedToolResult {
  /** `functionResponse.response`: `{output: …}` (a JSON object result as is), or `{error: …}`. */
  response: Record<string, unknown>;
  /** Images and documents of the result, which Gemini reads as parts after the function responses. */
  mediaParts: GeminiPart[];
  /** The result as plain text, for a result whose call is not in the history. */
  text: string;
}

/**
 * A `tool_result` block → what Gemini reads of it. Text (and search results, and the definitions a
 * tool_reference loads) becomes the function response, under `error` when `is_error` is set (Gemini's
 * documented convention for a failed call); images and documents cannot live inside a function response
 * on every model, so they travel as parts right after it.
 */
export function convertToolResult(
  block: ToolResultBlock,
  context: ToolResultContext,
  path: string,
): ConvertedToolResult {
  const texts: string[] = [];
  const mediaParts: GeminiPart[] = [];
  const content = block.content ?? [];
  if (typeof content === "string") texts.push(content);
  else {
    content.forEach((inner, position) => {
      const innerPath = `${path}.content[${position}]`;
      switch (inner.type) {
        case "text":
          texts.push(inner.text);
          return;
        case "image":
          mediaParts.push(convertImageBlock(inner, context, innerPath));
          return;
        case "document":
          for (const part of convertDocumentBlock(inner, context, innerPath)) {
            if (part.text !== undefined) texts.push(part.text);
            else mediaParts.push(part);
          }
          return;
        case "search_result":
          texts.push(searchResultText(inner));
          return;
        case "tool_reference":
          texts.push(describeLoadedTool(inner.tool_name, context.customTools));
          return;
        default:
          assertNever(inner, "tool_result content block");
      }
    });
  }

  let text = texts.join("\n");
  if (text.trim() === "" && mediaParts.length > 0) text = "(the result is the attached media)";
  const response =
    block.is_error === true
      ? { error: text === "" ? "The tool failed." : text }
      : toFunctionResponseBody(text, `${path}.content`);
  return { response, mediaParts, text };
}

/**
 * What a tool_reference tells the model: the loaded tool's definition, in the `<functions>` form
 * Claude Code's ToolSearch describes to the model. The tool itself is declared to Gemini as well
 * (select-tools.ts), so the model can call it on its next step.
 */
function describeLoadedTool(name: string, customTools: ReadonlyMap<string, CustomTool>): string {
  const tool = customTools.get(name);
  if (tool === undefined) return `Tool ${name} was not found among the request's tools.`;
  const definition = { description: tool.description ?? "", name: tool.name, parameters: tool.input_schema };
  return `<functions>\n<function>${JSON.stringify(definition)}</function>\n</functions>`;
}

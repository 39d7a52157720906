/**
 * Google's OpenAI-compatibility layer, request side: the Chat Completions fields it takes (anything else is
 * refused, reference §8) and their meaning as a Gemini request, so the compat route shares validation,
 * the thought-signature rule and answers with the native routes.
 */
import type {
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiThinkingConfig,
  GeminiThinkingLevel,
  GeminiToolConfig,
} from "../../src/gemini/wire-types.js";
import type { FakeModel } from "./catalog.js";
import { FakeHttpError, geminiErrors, invalidPayload } from "./errors.js";
import { isJsonObject, type JsonObject } from "./parse-proto-json.js";

const CHAT_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "n",
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logprobs",
  "top_logprobs",
  "service_tier",
  "user",
  "modalities",
  "audio",
  "extra_body",
]);

/** Gemini 2.5 budgets per effort, as Google maps them (reference §8). */
const EFFORT_BUDGETS: Record<string, number> = {
  none: 0,
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
};

const refuse = (message: string): never => {
  throw new FakeHttpError(geminiErrors.invalidArgument(message));
};

/** Refuses unknown top-level fields with Google's wording (array-wrapped by the route's style). */
export function refuseUnknownFields(body: JsonObject, known: ReadonlySet<string>): void {
  const unknown = Object.keys(body).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new FakeHttpError(
      invalidPayload(
        unknown.map((name) => ({
          description: `Invalid JSON payload received. Unknown name "${name}": Cannot find field.`,
        })),
      ),
    );
  }
}

export interface ChatBody {
  body: JsonObject;
  /** Without `models/`. */
  modelId: string;
  stream: boolean;
}

export function readChatBody(body: unknown): ChatBody {
  if (!isJsonObject(body)) return refuse("Request contains an invalid argument.");
  refuseUnknownFields(body, CHAT_FIELDS);
  if (typeof body.model !== "string" || body.model === "") return refuse("model is not specified.");
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return refuse("messages is not specified.");
  return { body, modelId: body.model.replace(/^models\//, ""), stream: body.stream === true };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((part) => isJsonObject(part) && part.type === "text" && typeof part.text === "string")
    .map((part) => (part as { text: string }).text)
    .join("");
}

function userParts(content: unknown): GeminiPart[] {
  if (!Array.isArray(content)) return [{ text: typeof content === "string" ? content : "" }];
  return content.filter(isJsonObject).map((part): GeminiPart => {
    if (part.type === "image_url" && isJsonObject(part.image_url) && typeof part.image_url.url === "string") {
      const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
      if (dataUrl) return { inlineData: { mimeType: dataUrl[1]!, data: dataUrl[2]! } };
      return { fileData: { mimeType: "image/jpeg", fileUri: part.image_url.url } };
    }
    if (part.type === "input_audio" && isJsonObject(part.input_audio)) {
      const { data, format } = part.input_audio;
      return { inlineData: { mimeType: `audio/${String(format ?? "wav")}`, data: String(data ?? "") } };
    }
    return { text: typeof part.text === "string" ? part.text : "" };
  });
}

function parseArguments(text: unknown): Record<string, unknown> {
  if (typeof text !== "string" || text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (isJsonObject(parsed)) return parsed;
  } catch {
    // refused below
  }
  return refuse(`Invalid function call arguments: ${text.slice(0, 100)}`);
}

function convertMessages(messages: unknown[]): { contents: GeminiContent[]; system: GeminiPart[] } {
  const contents: GeminiContent[] = [];
  const system: GeminiPart[] = [];
  const callNames = new Map<string, string>();
  for (const message of messages) {
    if (!isJsonObject(message)) refuse("Request contains an invalid argument.");
    const { role, content } = message as JsonObject;
    switch (role) {
      case "system":
      case "developer":
        system.push({ text: textOf(content) });
        break;
      case "user":
        contents.push({ role: "user", parts: userParts(content) });
        break;
      case "assistant": {
        const parts: GeminiPart[] = [];
        const text = textOf(content);
        if (text !== "") parts.push({ text });
        const toolCalls = Array.isArray((message as JsonObject).tool_calls)
          ? (message as { tool_calls: unknown[] }).tool_calls
          : [];
        for (const call of toolCalls.filter(isJsonObject)) {
          const fn = isJsonObject(call.function) ? call.function : {};
          const name = String(fn.name ?? "");
          if (typeof call.id === "string") callNames.set(call.id, name);
          const google =
            isJsonObject(call.extra_content) && isJsonObject(call.extra_content.google)
              ? call.extra_content.google
              : {};
          const signature =
            typeof google.thought_signature === "string" ? google.thought_signature : undefined;
          parts.push({
            functionCall: { name, args: parseArguments(fn.arguments) },
            thoughtSignature: signature,
          });
        }
        contents.push({ role: "model", parts: parts.length > 0 ? parts : [{ text: "" }] });
        break;
      }
      case "tool": {
        const callId = String((message as JsonObject).tool_call_id ?? "");
        const part: GeminiPart = {
          functionResponse: { name: callNames.get(callId) ?? callId, response: { output: textOf(content) } },
        };
        const previous = contents.at(-1);
        if (previous?.role === "user" && previous.parts.every((existing) => existing.functionResponse)) {
          previous.parts.push(part);
        } else {
          contents.push({ role: "user", parts: [part] });
        }
        break;
      }
      default:
        refuse(`Invalid role: ${String(role)}. Valid roles are: system, developer, user, assistant, tool.`);
    }
  }
  return { contents, system };
}

function convertTools(body: JsonObject): Pick<GeminiGenerateContentRequest, "tools" | "toolConfig"> {
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const tool of Array.isArray(body.tools) ? body.tools.filter(isJsonObject) : []) {
    if (tool.type !== "function" || !isJsonObject(tool.function)) continue;
    const { name, description, parameters } = tool.function;
    declarations.push({
      name: String(name ?? ""),
      description: typeof description === "string" ? description : undefined,
      parametersJsonSchema: parameters,
    });
  }
  const choice = body.tool_choice;
  let toolConfig: GeminiToolConfig | undefined;
  if (choice === "none") toolConfig = { functionCallingConfig: { mode: "NONE" } };
  else if (choice === "required") toolConfig = { functionCallingConfig: { mode: "ANY" } };
  else if (
    isJsonObject(choice) &&
    isJsonObject(choice.function) &&
    typeof choice.function.name === "string"
  ) {
    toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
  }
  return {
    tools: declarations.length > 0 ? [{ functionDeclarations: declarations }] : undefined,
    toolConfig,
  };
}

function convertThinking(body: JsonObject, model: FakeModel): GeminiThinkingConfig | undefined {
  const google =
    isJsonObject(body.extra_body) && isJsonObject(body.extra_body.google) ? body.extra_body.google : {};
  const config = isJsonObject(google.thinking_config) ? google.thinking_config : undefined;
  const effort = body.reasoning_effort;
  if (effort !== undefined && config !== undefined) {
    refuse("reasoning_effort and thinking_config cannot be set at the same time.");
  }
  if (config) {
    return {
      includeThoughts: typeof config.include_thoughts === "boolean" ? config.include_thoughts : undefined,
      thinkingBudget: typeof config.thinking_budget === "number" ? config.thinking_budget : undefined,
      thinkingLevel:
        typeof config.thinking_level === "string"
          ? (config.thinking_level.toUpperCase() as GeminiThinkingLevel)
          : undefined,
    };
  }
  if (effort === undefined) return undefined;
  if (typeof effort !== "string" || !(effort in EFFORT_BUDGETS)) {
    return refuse(
      `Invalid reasoning_effort: ${String(effort)}. Valid values are: high, low, medium, minimal, none`,
    );
  }
  if (model.thinking && model.thinking.levels.length > 0 && effort !== "none") {
    return { thinkingLevel: effort.toUpperCase() as GeminiThinkingLevel };
  }
  return { thinkingBudget: EFFORT_BUDGETS[effort] };
}

const numberOr = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** The Chat Completions body as the Gemini request it stands for. */
export function convertChatRequest(chat: ChatBody, model: FakeModel): GeminiGenerateContentRequest {
  const { body } = chat;
  const { contents, system } = convertMessages(body.messages as unknown[]);
  const stop =
    typeof body.stop === "string"
      ? [body.stop]
      : Array.isArray(body.stop)
        ? body.stop.map(String)
        : undefined;
  const format = isJsonObject(body.response_format) ? body.response_format : undefined;
  const schema = format && isJsonObject(format.json_schema) ? format.json_schema.schema : undefined;
  const generationConfig: GeminiGenerationConfig = {
    temperature: numberOr(body.temperature),
    topP: numberOr(body.top_p),
    candidateCount: numberOr(body.n),
    maxOutputTokens: numberOr(body.max_completion_tokens) ?? numberOr(body.max_tokens),
    stopSequences: stop,
    seed: numberOr(body.seed),
    presencePenalty: numberOr(body.presence_penalty),
    frequencyPenalty: numberOr(body.frequency_penalty),
    responseMimeType:
      format?.type === "json_object" || format?.type === "json_schema" ? "application/json" : undefined,
    responseJsonSchema: schema,
    thinkingConfig: convertThinking(body, model),
  };
  return {
    contents,
    systemInstruction: system.length > 0 ? { parts: system } : undefined,
    ...convertTools(body),
    generationConfig,
  };
}

import { invalidRequest } from "../../errors.js";
import type { GeminiContent, GeminiInlineData, GeminiPart } from "../../gemini/wire-types.js";
import { assertNever } from "../../translate/assert-never.js";
import { isPlainObject, toFunctionResponseBody } from "../../translate/convert-tool-result.js";
import {
  audioMimeType,
  convertMediaUrl,
  isDownloadableMediaUrl,
  mimeTypeFromFilename,
} from "../../translate/convert-user-content.js";
import { GeminiHistory } from "../../translate/gemini-history.js";
import { parseDataUrl } from "../../translate/parse-data-url.js";
import { CUSTOM_TOOL_INPUT, type ResponsesToolMap } from "./convert-responses-tools.js";
import type {
  ResponsesContentPart,
  ResponsesInputItem,
  ResponsesMessageItem,
  ResponsesToolOutput,
} from "./request-schema.js";
import { type CarriedSignature, decodeSignatureCarrier } from "./thought-signature-carrier.js";

/** Files already uploaded to Gemini's Files API are referenced, not downloaded. */
const geminiFileUrlPrefix = "https://generativelanguage.googleapis.com/";

export interface InputItemsContext {
  tools: ResponsesToolMap;
  /** Thought signatures the gateway stored from its earlier responses, by call id. */
  thoughtSignatures: ReadonlyMap<string, string>;
  /** http(s) images already downloaded by the route (see `collectRemoteMediaUrls`), by URL. */
  remoteMedia: ReadonlyMap<string, GeminiInlineData>;
  /** How many of the items are the earlier conversation (`previous_response_id`), before `input`. */
  historyLength: number;
}

export interface ConvertedInputItems {
  /** Text of `system` and `developer` messages, wherever they stand. */
  systemTexts: string[];
  contents: GeminiContent[];
}

/** A run of assistant-side items (reasoning, assistant messages, calls): one Gemini model step. */
interface ModelStep {
  parts: GeminiPart[];
  callIds: string[];
  signatures: CarriedSignature[];
}

/**
 * Responses input items (item references already resolved) → Gemini contents:
 * - `system` and `developer` messages join `systemInstruction`;
 * - reasoning items, assistant messages and calls that follow one another are one model step; the
 *   Gemini thought signatures a reasoning item carries go back on their call (or the step's last text),
 *   else the one the gateway stored for the call is used;
 * - a call's output becomes its functionResponse (see gemini-history.ts for the grouping rules), media
 *   in an output (Codex's `view_image`) follows the responses;
 * - items Gemini has nothing to read in (`web_search_call`, `compaction`…) are left out.
 */
export function convertInputItems(
  items: readonly ResponsesInputItem[],
  context: InputItemsContext,
): ConvertedInputItems {
  const systemTexts: string[] = [];
  const history = new GeminiHistory();
  let step: ModelStep | undefined;
  const currentStep = () => {
    step ??= { parts: [], callIds: [], signatures: [] };
    return step;
  };
  const endStep = () => {
    if (step === undefined) return;
    const ended = step;
    step = undefined;
    applySignatures(ended, context.thoughtSignatures);
    history.addModelStep(ended.parts, ended.callIds);
  };

  items.forEach((item, position) => {
    const path =
      position < context.historyLength
        ? "previous_response_id"
        : `input[${position - context.historyLength}]`;
    switch (item.type) {
      case "message":
        if (item.role === "system" || item.role === "developer") {
          systemTexts.push(...textsOf(item));
        } else if (item.role === "assistant") {
          currentStep().parts.push(...textsOf(item).map((text) => ({ text })));
        } else {
          endStep();
          history.addUser(userParts(item, context, `${path}.content`));
        }
        return;
      case "function_call": {
        const name = context.tools.toGemini({ name: item.name, namespace: item.namespace ?? undefined });
        addCall(currentStep(), item.call_id, { name, args: parseArguments(item.arguments) });
        return;
      }
      case "custom_tool_call": {
        const name = context.tools.toGemini({ name: item.name, namespace: item.namespace ?? undefined });
        addCall(currentStep(), item.call_id, { name, args: { [CUSTOM_TOOL_INPUT]: item.input ?? "" } });
        return;
      }
      case "reasoning":
        currentStep().signatures.push(...decodeSignatureCarrier(item.encrypted_content));
        return;
      case "function_call_output":
      case "custom_tool_call_output": {
        endStep();
        const output = toolOutputOf(item.output, context, `${path}.output`);
        const response = toFunctionResponseBody(output.text, `${path}.output`);
        history.addToolResult(item.call_id, { response, text: output.text, media: output.media });
        return;
      }
      case "item_reference":
        // The route resolves references before translating; one left here names nothing known.
        throw invalidRequest(`'${path}' refers to item '${item.id}', which is not known.`, path);
      case "other":
        return;
      default:
        assertNever(item, "input item type");
    }
  });
  endStep();
  return { systemTexts, contents: history.build() };
}

function addCall(
  step: ModelStep,
  callId: string,
  functionCall: { name: string; args: Record<string, unknown> },
) {
  step.parts.push({ functionCall });
  step.callIds.push(callId);
}

/**
 * A carried signature goes on its call, or (without a call id) on the step's last text; a call still
 * unsigned gets the one the gateway stored for it. Missing ones on Gemini 3 get Google's placeholder
 * later, once the whole history is known.
 */
function applySignatures(step: ModelStep, storedSignatures: ReadonlyMap<string, string>): void {
  const callParts = step.parts.filter((part) => part.functionCall !== undefined);
  for (const { callId, signature } of step.signatures) {
    const part =
      callId === undefined
        ? step.parts.findLast((candidate) => candidate.text !== undefined)
        : callParts[step.callIds.indexOf(callId)];
    if (part !== undefined && part.thoughtSignature === undefined) part.thoughtSignature = signature;
  }
  callParts.forEach((part, index) => {
    const callId = step.callIds[index];
    const stored = callId === undefined ? undefined : storedSignatures.get(callId);
    if (part.thoughtSignature === undefined && stored !== undefined) part.thoughtSignature = stored;
  });
}

/** The text of a message's parts, empty text left out (Gemini refuses empty parts). */
function textsOf(message: ResponsesMessageItem): string[] {
  if (typeof message.content === "string") return message.content === "" ? [] : [message.content];
  const texts: string[] = [];
  for (const part of message.content) {
    const text = part.type === "refusal" ? part.refusal : "text" in part ? part.text : undefined;
    if (text !== undefined && text !== "") texts.push(text);
  }
  return texts;
}

function userParts(message: ResponsesMessageItem, context: InputItemsContext, path: string): GeminiPart[] {
  if (typeof message.content === "string") return message.content === "" ? [] : [{ text: message.content }];
  const parts: GeminiPart[] = [];
  message.content.forEach((part, position) => {
    const converted = contentPart(part, context, `${path}[${position}]`);
    if (converted !== undefined) parts.push(converted);
  });
  return parts;
}

function contentPart(
  part: ResponsesContentPart,
  context: InputItemsContext,
  path: string,
): GeminiPart | undefined {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return part.text === "" ? undefined : { text: part.text };
    case "refusal":
      return part.refusal === "" ? undefined : { text: part.refusal };
    case "input_image":
      if (typeof part.image_url === "string")
        return convertMediaUrl(part.image_url, context, `${path}.image_url`);
      if (part.file_id) throw filesApiError(`${path}.file_id`, "image_url");
      throw invalidRequest(`'${path}.image_url' is required.`, `${path}.image_url`);
    case "input_file":
      return filePart(part, path);
    case "input_audio":
      return {
        inlineData: { mimeType: audioMimeType(part.input_audio.format), data: part.input_audio.data },
      };
    default:
      return assertNever(part, "content part");
  }
}

function filePart(
  file: {
    file_data?: string | null;
    file_id?: string | null;
    file_url?: string | null;
    filename?: string | null;
  },
  path: string,
): GeminiPart {
  if (file.file_data) {
    const fromDataUrl = parseDataUrl(file.file_data);
    if (fromDataUrl !== undefined) return { inlineData: fromDataUrl };
    return { inlineData: { mimeType: mimeTypeFromFilename(file.filename), data: file.file_data } };
  }
  if (file.file_url) {
    if (file.file_url.startsWith(geminiFileUrlPrefix)) return { fileData: { fileUri: file.file_url } };
    throw invalidRequest(
      `'${path}.file_url' cannot be read by this gateway (only Gemini Files API URLs can); send the file as 'file_data' (a data: URL).`,
      `${path}.file_url`,
    );
  }
  if (file.file_id) throw filesApiError(`${path}.file_id`, "file_data");
  throw invalidRequest(`'${path}.file_data' is required.`, `${path}.file_data`);
}

function filesApiError(param: string, instead: string) {
  return invalidRequest(
    `'${param}' refers to OpenAI's Files API, which this gateway cannot read; send the content as '${instead}' (a data: URL).`,
    param,
  );
}

/** A tool output's text (for the functionResponse) and its media (sent after the responses). */
function toolOutputOf(
  output: ResponsesToolOutput | null | undefined,
  context: InputItemsContext,
  path: string,
): { text: string; media: GeminiPart[] } {
  if (output === null || output === undefined) return { text: "", media: [] };
  if (typeof output === "string") return { text: output, media: [] };
  const texts: string[] = [];
  const media: GeminiPart[] = [];
  output.forEach((part, position) => {
    if (part.type === "input_text" || part.type === "output_text") texts.push(part.text);
    else {
      const converted = contentPart(part, context, `${path}[${position}]`);
      if (converted !== undefined) media.push(converted);
    }
  });
  return { text: texts.join("\n"), media };
}

/**
 * `arguments` is a JSON string of an object. Gemini needs an object, so an empty, broken or non-object
 * string (a call cut off by the token limit) is replayed as `{}` rather than failing the whole request.
 */
function parseArguments(raw: string | Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== "string") return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isPlainObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * The http(s) image URLs of the input, in order and without duplicates: the route downloads these before
 * translating (translation itself does no I/O). Data URLs and Gemini file URLs are not listed.
 */
export function collectRemoteMediaUrls(items: readonly ResponsesInputItem[]): string[] {
  const urls = new Set<string>();
  const visit = (parts: ReadonlyArray<{ type: string; image_url?: string | null }>) => {
    for (const part of parts) {
      if (
        part.type === "input_image" &&
        typeof part.image_url === "string" &&
        isDownloadableMediaUrl(part.image_url)
      ) {
        urls.add(part.image_url);
      }
    }
  };
  for (const item of items) {
    if (
      (item.type === undefined || item.type === "message") &&
      item.role === "user" &&
      Array.isArray(item.content)
    ) {
      visit(item.content);
    } else if (
      (item.type === "function_call_output" || item.type === "custom_tool_call_output") &&
      Array.isArray(item.output)
    ) {
      visit(item.output);
    }
  }
  return [...urls];
}

/**
 * Reads and checks a generateContent body the way the real API does: proto-JSON parsing first (unknown
 * names, types), then the semantic checks, each answered with Google's status and wording.
 */
import type {
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiPart,
} from "../../src/gemini/wire-types.js";
import type { FakeModel } from "./catalog.js";
import { FakeHttpError, geminiErrors } from "./errors.js";
import { isJsonObject, parseProtoJson, toSnakeCase } from "./parse-proto-json.js";
import { GENERATE_CONTENT_REQUEST, PART_DATA_FIELDS } from "./request-schema.js";
import { checkCurrentTurnSignatures, type ThoughtSignatures } from "./signatures.js";
import { checkThinkingConfig } from "./thinking.js";
import { collectSchemaViolations } from "./validate-schema.js";

const EMPTY_TEXT_MESSAGE =
  "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.";
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/** Parses the body as a GenerateContentRequest (lowerCamel names only), or throws Google's 400. */
export function parseGenerateContentRequest(body: unknown): GeminiGenerateContentRequest {
  return parseProtoJson(body, GENERATE_CONTENT_REQUEST) as unknown as GeminiGenerateContentRequest;
}

/**
 * The checks after parsing. `messageName` prefixes Google's `* Message.path: problem` lines, and
 * `pathPrefix` places the request inside an outer one (countTokens' `generate_content_request`).
 */
export function checkGenerateContentRequest(
  request: GeminiGenerateContentRequest,
  model: FakeModel,
  messageName = "GenerateContentRequest",
): void {
  const violations: string[] = [];
  const contents = request.contents ?? [];
  if (contents.length === 0) violations.push("contents: contents is not specified");
  for (const [index, content] of contents.entries()) {
    collectContentViolations(content, `contents[${index}]`, violations);
  }
  collectGenerationConfigViolations(request, violations);
  for (const [toolIndex, tool] of (request.tools ?? []).entries()) {
    for (const [index, declaration] of (tool.functionDeclarations ?? []).entries()) {
      collectDeclarationViolations(
        declaration,
        `tools[${toolIndex}].function_declarations[${index}]`,
        violations,
      );
    }
  }
  const responseSchema = request.generationConfig?.responseSchema;
  if (responseSchema)
    collectSchemaViolations(responseSchema, "generation_config.response_schema", violations);
  if (violations.length > 0) {
    const message = violations.map((violation) => `* ${messageName}.${violation}\n`).join("");
    throw new FakeHttpError(geminiErrors.invalidArgument(message));
  }

  for (const content of contents) {
    if (content.role !== undefined && content.role !== "user" && content.role !== "model") {
      throw new FakeHttpError(geminiErrors.invalidArgument("Please use a valid role: user, model."));
    }
    for (const part of content.parts) {
      // Google asks clients to send back its own `{"text": "", "thoughtSignature": …}` parts unchanged.
      if (part.text === "" && !(content.role === "model" && part.thoughtSignature !== undefined)) {
        throw new FakeHttpError(geminiErrors.invalidArgument(EMPTY_TEXT_MESSAGE));
      }
    }
  }
  checkThinkingConfig(request, model);
}

/**
 * Everything a generation checks after parsing, natively or through Google's OpenAI layer: the request
 * itself, then (on models that enforce them) the thought signatures of the current turn.
 */
export function checkGenerationRequest(
  request: GeminiGenerateContentRequest,
  model: FakeModel,
  signatures: ThoughtSignatures,
): void {
  checkGenerateContentRequest(request, model);
  if (model.enforcesThoughtSignatures) checkCurrentTurnSignatures(request.contents, signatures);
}

function collectContentViolations(content: GeminiContent, path: string, violations: string[]): void {
  if (!content.parts || content.parts.length === 0) {
    violations.push(`${path}.parts: contents.parts must not be empty.`);
    return;
  }
  for (const [index, part] of content.parts.entries()) {
    collectPartViolations(part, `${path}.parts[${index}]`, violations);
  }
}

function collectPartViolations(part: GeminiPart, path: string, violations: string[]): void {
  const dataFields = PART_DATA_FIELDS.filter(
    (field) => (part as Record<string, unknown>)[field] !== undefined,
  );
  if (dataFields.length === 0) {
    violations.push(`${path}.data: required oneof field 'data' must have one initialized field`);
  } else if (dataFields.length > 1) {
    violations.push(
      `${path}.data: oneof field 'data' is already set. Cannot set '${toSnakeCase(dataFields[1]!)}'`,
    );
  }
}

function collectGenerationConfigViolations(
  request: GeminiGenerateContentRequest,
  violations: string[],
): void {
  const config = request.generationConfig;
  if (!config) return;
  if (config.temperature !== undefined && (config.temperature < 0 || config.temperature > 2)) {
    violations.push("generation_config.temperature: temperature must be in the range [0.0, 2.0].");
  }
  if (config.topP !== undefined && (config.topP < 0 || config.topP > 1)) {
    violations.push("generation_config.top_p: top_p must be in the range [0.0, 1.0].");
  }
  if (config.candidateCount !== undefined && (config.candidateCount < 0 || config.candidateCount > 8)) {
    violations.push("generation_config.candidate_count: candidate_count must be in the range [1, 8].");
  }
}

function collectDeclarationViolations(
  declaration: GeminiFunctionDeclaration & { response?: unknown; responseJsonSchema?: unknown },
  path: string,
  violations: string[],
): void {
  if (typeof declaration.name !== "string" || !FUNCTION_NAME.test(declaration.name)) {
    violations.push(
      `${path}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 128.`,
    );
  }
  if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) {
    violations.push(`${path}: parameters and parameters_json_schema must not both be set.`);
  }
  if (declaration.response !== undefined && declaration.responseJsonSchema !== undefined) {
    violations.push(`${path}: response and response_json_schema must not both be set.`);
  }
  if (isJsonObject(declaration.parameters)) {
    collectSchemaViolations(declaration.parameters, `${path}.parameters`, violations);
  }
  if (isJsonObject(declaration.response)) {
    collectSchemaViolations(declaration.response, `${path}.response`, violations);
  }
}

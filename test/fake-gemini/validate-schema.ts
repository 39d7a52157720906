/**
 * Checks Google makes on a `Schema` (the OpenAPI subset of `parameters`, `response` and `responseSchema`)
 * after parsing it. Unknown keywords (`$schema`, `additionalProperties`, `exclusiveMinimum`…) and type
 * arrays are already refused by the parser; these are the semantic ones, worded as Google words them:
 * `* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[tags].items: missing field.`
 */
import { isJsonObject, type JsonObject } from "./parse-proto-json.js";

/** Adds `path: problem` lines (without the leading `* `) to `violations`. */
export function collectSchemaViolations(schema: JsonObject, path: string, violations: string[]): void {
  if (schema.type === "ARRAY" && schema.items === undefined) violations.push(`${path}.items: missing field.`);
  const properties = isJsonObject(schema.properties) ? schema.properties : undefined;
  if (properties && Array.isArray(schema.required)) {
    schema.required.forEach((name, index) => {
      if (typeof name === "string" && !(name in properties)) {
        violations.push(`${path}.required[${index}]: property is not defined`);
      }
    });
  }
  for (const [name, property] of Object.entries(properties ?? {})) {
    if (isJsonObject(property)) collectSchemaViolations(property, `${path}.properties[${name}]`, violations);
  }
  if (isJsonObject(schema.items)) collectSchemaViolations(schema.items, `${path}.items`, violations);
  if (Array.isArray(schema.anyOf)) {
    schema.anyOf.forEach((option, index) => {
      if (isJsonObject(option)) collectSchemaViolations(option, `${path}.any_of[${index}]`, violations);
    });
  }
}

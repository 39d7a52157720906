import { isPlainObject } from "./convert-tool-result.js";

/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini takes in `FunctionDeclaration.parameters` and
 * `generationConfig.responseSchema` (ai.google.dev/api/caching#Schema). That field rejects unknown
 * keywords with a 400, so this is a whitelist, not a blacklist:
 * - `$schema`, `additionalProperties`, `strict`, `default`, `exclusiveMinimum/Maximum`, `examples`,
 *   `$id`, `$comment`, `patternProperties`, `not`, `if/then/else`… are dropped;
 * - `type: ["T", "null"]` and `anyOf: [X, {type: "null"}]` become `nullable: true`;
 * - `const` becomes a one-value `enum`; enums of non-strings (Gemini enums are strings) move into the
 *   description; `oneOf` becomes `anyOf`; `allOf` is merged; local `$ref`s are inlined (cycles cut);
 * - an array without `items` gets string items, because Gemini refuses `ARRAY` without `items`;
 * - types are written in Gemini's upper case (`OBJECT`, `STRING`…), as its own SDK sends them.
 * Returns undefined for a schema that says nothing (no parameters).
 */
export function cleanJsonSchemaForGemini(schema: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(schema)) return undefined;
  const cleaned = cleanNode(schema, { root: schema, refsInProgress: new Set() });
  const saysNothing = Object.keys(cleaned).every(
    (keyword) => keyword === "type" || keyword === "description",
  );
  if (saysNothing && (cleaned.type === undefined || cleaned.type === "OBJECT")) return undefined;
  return cleaned;
}

interface CleanContext {
  root: Record<string, unknown>;
  refsInProgress: Set<string>;
}

const isString = (value: unknown) => typeof value === "string";
const isFiniteNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value);
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
const isStringList = (value: unknown) => Array.isArray(value) && value.every(isString);

/**
 * Keywords copied as they are, when their value has the type Gemini's Schema declares for them: a
 * `"minimum": "0"` or `"description": 42` (seen in hand-written MCP schemas) would be a 400.
 */
const copiedKeywords: Readonly<Record<string, (value: unknown) => boolean>> = {
  title: isString,
  description: isString,
  minItems: isCount,
  maxItems: isCount,
  minLength: isCount,
  maxLength: isCount,
  minProperties: isCount,
  maxProperties: isCount,
  minimum: isFiniteNumber,
  maximum: isFiniteNumber,
  pattern: isString,
  example: () => true,
  propertyOrdering: isStringList,
};

/** The JSON Schema types (in any case); another `type` value (`"any"`) says nothing Gemini can take. */
const knownTypes: ReadonlySet<string> = new Set([
  "string",
  "number",
  "integer",
  "boolean",
  "array",
  "object",
  "null",
]);

/** String formats Gemini's Schema accepts; any other value is a 400 ("only 'enum' and 'date-time'…"). */
const acceptedFormats: Readonly<Record<string, ReadonlySet<string>>> = {
  STRING: new Set(["enum", "date-time"]),
  INTEGER: new Set(["int32", "int64"]),
  NUMBER: new Set(["float", "double"]),
};

const maximumRefDepth = 8;

function cleanNode(node: Record<string, unknown>, context: CleanContext): Record<string, unknown> {
  const resolved = resolveNode(node, context);
  if (resolved !== node) return resolved;

  const result: Record<string, unknown> = {};
  for (const [keyword, hasGeminiType] of Object.entries(copiedKeywords)) {
    if (node[keyword] !== undefined && hasGeminiType(node[keyword])) result[keyword] = node[keyword];
  }
  if (node.nullable === true) result.nullable = true;

  applyType(node.type, result, () => cleanItems(node, context));
  applyEnum(node, result);
  applyAnyOf(node.anyOf ?? node.oneOf, result, context);

  if (typeof node.format === "string" && typeof result.type === "string") {
    if (acceptedFormats[result.type]?.has(node.format)) result.format = node.format;
  }

  if (isPlainObject(node.properties)) {
    // A single anyOf branch may already have given properties and required: this node's join them.
    const properties: Record<string, unknown> = isPlainObject(result.properties)
      ? { ...result.properties }
      : {};
    for (const [name, propertySchema] of Object.entries(node.properties)) {
      properties[name] = isPlainObject(propertySchema)
        ? cleanNode(propertySchema, context)
        : { type: "STRING" };
    }
    if (Object.keys(properties).length > 0) {
      result.properties = properties;
      if (result.type === undefined) result.type = "OBJECT";
      const names = [result.required, node.required].flatMap((list) => (Array.isArray(list) ? list : []));
      const required = [...new Set(names)].filter(
        (name): name is string => typeof name === "string" && name in properties,
      );
      if (required.length > 0) result.required = required;
    }
  }

  // Next to anyOf branches (which carry their own items), `items` would make a sibling Gemini refuses.
  const describesItems = node.items !== undefined || node.prefixItems !== undefined;
  if (result.type === "ARRAY" || (describesItems && result.anyOf === undefined)) {
    result.items = cleanItems(node, context);
    if (result.type === undefined) result.type = "ARRAY";
  }
  return result;
}

/** The schema of an array's items (the first of a tuple); Gemini refuses `ARRAY` without items. */
function cleanItems(node: Record<string, unknown>, context: CleanContext): Record<string, unknown> {
  const items = Array.isArray(node.prefixItems)
    ? node.prefixItems[0]
    : Array.isArray(node.items)
      ? node.items[0]
      : node.items;
  return isPlainObject(items) ? cleanNode(items, context) : { type: "STRING" };
}

/** Inlines a local `$ref` and merges `allOf`, then cleans the outcome; returns `node` when neither applies. */
function resolveNode(node: Record<string, unknown>, context: CleanContext): Record<string, unknown> {
  if (typeof node.$ref === "string") {
    const reference = node.$ref;
    const { $ref: _reference, ...siblings } = node;
    const target = lookUpReference(context.root, reference);
    if (target === undefined || context.refsInProgress.has(reference)) {
      // A cycle or a reference we cannot follow: keep the intent readable for the model.
      return { type: "OBJECT", description: siblingDescription(siblings) ?? `See ${reference}.` };
    }
    if (context.refsInProgress.size >= maximumRefDepth) return { type: "OBJECT" };
    context.refsInProgress.add(reference);
    const cleaned = cleanNode({ ...target, ...siblings }, context);
    context.refsInProgress.delete(reference);
    return cleaned;
  }
  if (Array.isArray(node.allOf)) {
    const { allOf, ...rest } = node;
    return cleanNode(mergeAllOf(rest, allOf), context);
  }
  return node;
}

function siblingDescription(siblings: Record<string, unknown>): string | undefined {
  return typeof siblings.description === "string" ? siblings.description : undefined;
}

function lookUpReference(
  root: Record<string, unknown>,
  reference: string,
): Record<string, unknown> | undefined {
  if (!reference.startsWith("#/")) return undefined;
  let current: unknown = root;
  for (const segment of reference.slice(2).split("/")) {
    if (!isPlainObject(current)) return undefined;
    current = current[segment.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return isPlainObject(current) ? current : undefined;
}

function mergeAllOf(base: Record<string, unknown>, allOf: unknown[]): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const member of allOf) {
    if (!isPlainObject(member)) continue;
    for (const [keyword, value] of Object.entries(member)) {
      if (keyword === "properties" && isPlainObject(value)) {
        merged.properties = { ...(isPlainObject(merged.properties) ? merged.properties : {}), ...value };
      } else if (keyword === "required" && Array.isArray(value)) {
        merged.required = [...(Array.isArray(merged.required) ? merged.required : []), ...value];
      } else if (merged[keyword] === undefined) {
        merged[keyword] = value;
      }
    }
  }
  return merged;
}

function applyType(
  type: unknown,
  result: Record<string, unknown>,
  arrayItems: () => Record<string, unknown>,
): void {
  const types = (Array.isArray(type) ? type : [type])
    .filter((value): value is string => typeof value === "string")
    .map((value) => value.toLowerCase())
    .filter((value) => knownTypes.has(value));
  const nonNullTypes = types.filter((value) => value !== "null");
  if (nonNullTypes.length < types.length) result.nullable = true;
  if (nonNullTypes.length === 1) result.type = nonNullTypes[0]?.toUpperCase();
  else if (nonNullTypes.length > 1)
    // `type: ["array", "string"]` becomes one branch per type, and an ARRAY branch needs its items.
    result.anyOf = nonNullTypes.map((value) =>
      value === "array" ? { type: "ARRAY", items: arrayItems() } : { type: value.toUpperCase() },
    );
}

function applyEnum(node: Record<string, unknown>, result: Record<string, unknown>): void {
  const values = node.const !== undefined ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (values === undefined) return;
  if (values.includes(null)) result.nullable = true;
  const nonNull = values.filter((value) => value !== null);
  if (nonNull.length === 0) return;
  if (nonNull.every((value) => typeof value === "string")) {
    result.enum = nonNull;
    if (result.type === undefined) result.type = "STRING";
    return;
  }
  const allowed = `Allowed values: ${nonNull.map((value) => JSON.stringify(value)).join(", ")}.`;
  result.description = typeof result.description === "string" ? `${result.description} ${allowed}` : allowed;
}

function applyAnyOf(anyOf: unknown, result: Record<string, unknown>, context: CleanContext): void {
  if (!Array.isArray(anyOf)) return;
  const branches = anyOf.filter(isPlainObject);
  const nonNullBranches = branches.filter((branch) => branch.type !== "null");
  if (nonNullBranches.length < branches.length) result.nullable = true;
  if (nonNullBranches.length === 1 && nonNullBranches[0] !== undefined) {
    // `anyOf: [X, null]` is just a nullable X; Gemini refuses anyOf next to other fields.
    const single = cleanNode(nonNullBranches[0], context);
    for (const [keyword, value] of Object.entries(single)) {
      if (result[keyword] === undefined) result[keyword] = value;
    }
    return;
  }
  if (nonNullBranches.length > 1) {
    result.anyOf = nonNullBranches.map((branch) => cleanNode(branch, context));
    delete result.type;
  }
}

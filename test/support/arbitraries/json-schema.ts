/**
 * Arbitrary JSON Schemas as tools and MCP servers really write them, and as they write them wrong:
 * draft-07 and 2020-12 keywords, `$ref` into `$defs`/`definitions` (resolvable, dangling, cyclic),
 * `anyOf`/`oneOf`/`allOf`, type arrays, boolean subschemas, non-string enums, and keyword values of
 * the wrong type (`"minimum": "0"`, `"description": 42`).
 */
import fc from "fast-check";

export type JsonSchema = Record<string, unknown>;

const SCHEMA_TYPES = ["string", "number", "integer", "boolean", "array", "object", "null"] as const;

/** Property names, from the plain to what only a JSON object key can be. */
export const propertyName = fc.oneof(
  fc.constantFrom("path", "mode", "query", "limit", "tags", "options", "x", "a", "b"),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** A `type` keyword: one type, a type array, or a value no schema should have. */
const typeKeyword = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SCHEMA_TYPES) },
  { weight: 2, arbitrary: fc.uniqueArray(fc.constantFrom(...SCHEMA_TYPES), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("any", "Object", "STRING", "", 5, null, {}, []) },
);

/** A keyword that should be a number, sometimes given as something else. */
const numberLike = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -100, max: 100 }) },
  { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("0", "ten", true, null, 1.5, -1) },
);

const stringLike = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(42, true, null, ["a"], {}) },
);

const format = fc.constantFrom<unknown>(
  "date-time",
  "date",
  "email",
  "uri",
  "uuid",
  "enum",
  "int32",
  "int64",
  "float",
  "double",
  "byte",
  "",
  7,
);

const reference = fc.constantFrom(
  "#/$defs/Item",
  "#/$defs/Node",
  "#/definitions/Item",
  "#",
  "#/$defs/Missing",
  "#/properties/a",
  "other.json#/Item",
  "#/$defs/a~1b",
);

/** One keyword and its value; structural ones hold subschemas from `below`. */
function keywordEntry(below: fc.Arbitrary<unknown>): fc.Arbitrary<[string, unknown]> {
  const entry = (name: string, value: fc.Arbitrary<unknown>, weight = 1) => ({
    weight,
    arbitrary: value.map((generated): [string, unknown] => [name, generated]),
  });
  const few = { maxLength: 3 };
  return fc.oneof(
    entry("type", typeKeyword, 12),
    entry("properties", fc.dictionary(propertyName, below, { maxKeys: 3 }), 6),
    entry("required", fc.array(fc.oneof(propertyName, fc.constant<unknown>(3)), few), 4),
    entry("items", fc.oneof(below, fc.array(below, few)), 3),
    entry("description", stringLike, 4),
    entry("enum", fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), few), 2),
    entry("anyOf", fc.array(below, few), 2),
    entry("oneOf", fc.array(below, few), 2),
    entry("allOf", fc.array(below, few), 2),
    entry("$ref", reference, 2),
    entry("$defs", fc.record({ Item: below, Node: below }, { requiredKeys: [] }), 2),
    entry("definitions", fc.record({ Item: below }, { requiredKeys: [] })),
    entry("additionalProperties", below, 2),
    entry("patternProperties", fc.dictionary(fc.constantFrom("^x-", ".*"), below, { maxKeys: 1 })),
    entry("prefixItems", fc.array(below, few)),
    entry("not", below),
    entry("if", below),
    entry("then", below),
    entry("else", below),
    entry("const", fc.jsonValue({ maxDepth: 1 })),
    entry("default", fc.jsonValue({ maxDepth: 1 })),
    entry("examples", fc.array(fc.jsonValue({ maxDepth: 1 }), few)),
    entry("example", fc.jsonValue({ maxDepth: 1 })),
    entry("format", format, 2),
    entry("pattern", stringLike),
    entry("title", stringLike),
    entry("nullable", fc.oneof(fc.boolean(), fc.constant<unknown>("yes"))),
    entry("propertyOrdering", fc.oneof(fc.array(propertyName, few), fc.constant<unknown>("a"))),
    ...[
      "minimum",
      "maximum",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
      "minLength",
      "maxLength",
      "minItems",
      "maxItems",
      "minProperties",
      "maxProperties",
    ].map((name) => entry(name, numberLike)),
    ...["uniqueItems", "deprecated", "readOnly", "writeOnly", "strict"].map((name) =>
      entry(name, fc.boolean()),
    ),
    entry("$schema", fc.constantFrom(...SCHEMA_URIS)),
    entry("$id", fc.constant("https://example.com/tool.json")),
    entry("$comment", fc.string({ maxLength: 10 })),
    entry("contentEncoding", fc.constant("base64")),
    entry("x-custom", fc.jsonValue({ maxDepth: 1 })),
  );
}

const SCHEMA_URIS = [
  "http://json-schema.org/draft-07/schema#",
  "https://json-schema.org/draft/2020-12/schema",
];

/** A schema object whose subschemas nest at most `depth` levels further. */
function schemaOfDepth(depth: number): fc.Arbitrary<JsonSchema> {
  const leaf = fc.oneof(
    fc.constantFrom<unknown>(true, false, {}),
    fc.constantFrom(...SCHEMA_TYPES).map((type) => ({ type })),
  );
  const below: fc.Arbitrary<unknown> =
    depth === 0
      ? leaf
      : fc.oneof({ weight: 1, arbitrary: leaf }, { weight: 3, arbitrary: schemaOfDepth(depth - 1) });
  return fc.array(keywordEntry(below), { maxLength: 5 }).map((entries) => Object.fromEntries(entries));
}

/** A whole schema, as a tool's `parameters` or a `response_format` schema. */
export const jsonSchema: fc.Arbitrary<JsonSchema> = schemaOfDepth(3);

/** Schemas most tools send: an object of named properties, nested arbitrarily below. */
export const objectJsonSchema: fc.Arbitrary<JsonSchema> = fc
  .tuple(fc.dictionary(propertyName, schemaOfDepth(2), { maxKeys: 4 }), jsonSchema)
  .map(([properties, rest]) => ({ ...rest, type: "object", properties }));

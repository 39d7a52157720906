import { describe, expect, test } from "@jest/globals";
import { cleanJsonSchemaForGemini } from "../../../src/translate/clean-json-schema.js";
import { mcpSearchParameters, rooStrictReadFileTool } from "./fixtures/client-requests.js";

describe("cleanJsonSchemaForGemini: JSON Schema → Gemini's OpenAPI subset", () => {
  const cases: Array<[string, unknown, unknown]> = [
    [
      "Roo strict: additionalProperties dropped, types upper-cased",
      rooStrictReadFileTool.function.parameters,
      {
        type: "OBJECT",
        properties: { path: { type: "STRING" }, mode: { type: "STRING", enum: ["slice", "indentation"] } },
        required: ["path", "mode"],
      },
    ],
    [
      "raw MCP: $schema, exclusiveMinimum, default dropped; [T,null] and anyOf-null → nullable; items added",
      mcpSearchParameters,
      {
        type: "OBJECT",
        properties: {
          q: { type: "STRING", minLength: 1 },
          limit: { type: "INTEGER", nullable: true },
          tags: { type: "ARRAY", items: { type: "STRING" } },
          mode: { type: "STRING", enum: ["a", "b"], nullable: true },
        },
        required: ["q"],
      },
    ],
    [
      "const → one-value enum",
      { type: "object", properties: { k: { const: "x" } } },
      { type: "OBJECT", properties: { k: { type: "STRING", enum: ["x"] } } },
    ],
    [
      "numeric enum moves into the description",
      { type: "object", properties: { n: { type: "integer", description: "Level.", enum: [1, 2] } } },
      { type: "OBJECT", properties: { n: { type: "INTEGER", description: "Level. Allowed values: 1, 2." } } },
    ],
    [
      "oneOf → anyOf; several types → anyOf",
      {
        type: "object",
        properties: {
          v: { oneOf: [{ type: "string" }, { type: "number" }] },
          w: { type: ["string", "boolean"] },
        },
      },
      {
        type: "OBJECT",
        properties: {
          v: { anyOf: [{ type: "STRING" }, { type: "NUMBER" }] },
          w: { anyOf: [{ type: "STRING" }, { type: "BOOLEAN" }] },
        },
      },
    ],
    [
      "local $ref inlined, recursion cut",
      {
        type: "object",
        properties: { node: { $ref: "#/$defs/Node" } },
        $defs: {
          Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" }, name: { type: "string" } } },
        },
      },
      {
        type: "OBJECT",
        properties: {
          node: {
            type: "OBJECT",
            properties: {
              child: { type: "OBJECT", description: "See #/$defs/Node." },
              name: { type: "STRING" },
            },
          },
        },
      },
    ],
    [
      "allOf merged",
      {
        allOf: [
          { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          { properties: { b: { type: "number" } } },
        ],
      },
      { type: "OBJECT", properties: { a: { type: "STRING" }, b: { type: "NUMBER" } }, required: ["a"] },
    ],
    [
      "formats Gemini refuses are dropped, accepted ones kept; required limited to declared properties",
      {
        type: "object",
        properties: { url: { type: "string", format: "uri" }, at: { type: "string", format: "date-time" } },
        required: ["url", "missing"],
      },
      {
        type: "OBJECT",
        properties: { url: { type: "STRING" }, at: { type: "STRING", format: "date-time" } },
        required: ["url"],
      },
    ],
    [
      "array tuples use the first item schema; minItems/maxItems kept",
      {
        type: "object",
        properties: {
          pair: {
            type: "array",
            prefixItems: [{ type: "number" }, { type: "number" }],
            minItems: 2,
            maxItems: 2,
          },
        },
      },
      {
        type: "OBJECT",
        properties: { pair: { type: "ARRAY", items: { type: "NUMBER" }, minItems: 2, maxItems: 2 } },
      },
    ],
    // Counter-examples the property test (test/property/clean-json-schema.property.test.ts) found.
    [
      "an unknown type says nothing; GEMINI-style upper-case types are read",
      { properties: { path: { type: "any" }, mode: { type: "STRING" } } },
      { type: "OBJECT", properties: { path: {}, mode: { type: "STRING" } } },
    ],
    [
      "keyword values of the wrong type are dropped",
      {
        type: "object",
        minProperties: "ten",
        description: 42,
        properties: { n: { type: "integer", minimum: "0", maxLength: 1.5, title: "N" } },
      },
      { type: "OBJECT", properties: { n: { type: "INTEGER", title: "N" } } },
    ],
    [
      "an array among several types keeps its items (Gemini refuses ARRAY without items)",
      {
        type: "object",
        properties: {
          path: { type: ["array", "string"] },
          tags: { type: ["array", "null", "string"], items: { type: "integer" } },
        },
      },
      {
        type: "OBJECT",
        properties: {
          path: { anyOf: [{ type: "ARRAY", items: { type: "STRING" } }, { type: "STRING" }] },
          tags: {
            nullable: true,
            anyOf: [{ type: "ARRAY", items: { type: "INTEGER" } }, { type: "STRING" }],
          },
        },
      },
    ],
    [
      "a single anyOf branch's properties and required join the node's own (found through convertChatRequest)",
      {
        type: "object",
        properties: { " ": {} },
        anyOf: [{ allOf: [{ required: ["path"] }], properties: { path: {} } }],
      },
      { type: "OBJECT", properties: { path: {}, " ": {} }, required: ["path"] },
    ],
  ];
  test.each(cases)("%s", (_name, input, expected) => {
    expect(cleanJsonSchemaForGemini(input)).toEqual(expected);
  });

  test("a schema with no properties is no parameters at all (Gemini refuses an empty OBJECT)", () => {
    expect(cleanJsonSchemaForGemini({ type: "object", properties: {} })).toBeUndefined();
    expect(cleanJsonSchemaForGemini({})).toBeUndefined();
    expect(cleanJsonSchemaForGemini(undefined)).toBeUndefined();
  });

  test("the input is not modified", () => {
    const input = structuredClone(mcpSearchParameters);
    cleanJsonSchemaForGemini(input);
    expect(input).toEqual(mcpSearchParameters);
  });
});

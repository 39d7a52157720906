/**
 * Property: whatever JSON Schema a client sends, the cleaned schema is one Gemini's `Schema` takes, as a
 * function's `parameters` and as `responseSchema` (the fake Gemini's own parser and checks decide).
 */
import fc from "fast-check";
import { cleanJsonSchemaForGemini } from "../../src/translate/clean-json-schema.js";
import { jsonSchema, objectJsonSchema } from "../support/arbitraries/json-schema.js";
import { fakeGeminiRefusal } from "../support/fake-gemini-verdict.js";

/** A minimal request that carries `schema` in both places a cleaned schema goes. */
function requestWith(schema: Record<string, unknown>) {
  return {
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    tools: [{ functionDeclarations: [{ name: "tool", parameters: schema }] }],
    generationConfig: { responseMimeType: "application/json", responseSchema: schema },
  };
}

function expectGeminiTakes(schema: unknown): void {
  const cleaned = cleanJsonSchemaForGemini(schema);
  if (cleaned === undefined) return;
  expect(fakeGeminiRefusal("gemini-2.5-flash", requestWith(cleaned))).toBeUndefined();
}

test("any JSON Schema cleans into a schema Gemini takes", () => {
  fc.assert(fc.property(jsonSchema, expectGeminiTakes), { numRuns: 500 });
});

test("any object schema with arbitrary properties cleans into a schema Gemini takes", () => {
  fc.assert(fc.property(objectJsonSchema, expectGeminiTakes), { numRuns: 250 });
});

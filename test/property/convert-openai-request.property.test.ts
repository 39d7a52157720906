/**
 * Property: any request the gateway accepts on `/v1/chat/completions` translates into a generateContent
 * request the fake Gemini (as strict as the real API, checking in-process) accepts, for every model
 * family, both tool-schema formats and both reasoning outputs.
 */
import fc from "fast-check";
import { parseChatCompletionRequest } from "../../src/openai/chat-request-schema.js";
import { collectRemoteMediaUrls, convertChatRequest } from "../../src/translate/convert-openai-request.js";
import { ThoughtSignatures } from "../fake-gemini/signatures.js";
import { openAIChatRequest, PNG_BASE64 } from "../support/arbitraries/openai-chat-request.js";
import { fakeGeminiRefusal, GENERATION_MODELS } from "../support/fake-gemini-verdict.js";

const signatures = new ThoughtSignatures();
const issued = [signatures.issue(), signatures.issue()];
/** Signatures the gateway stored from earlier answers, by the tool-call id it gave them. */
const storedSignatures = new Map([
  ["call_1", signatures.issue()],
  ["call_2", signatures.issue()],
]);

const requests = openAIChatRequest({
  models: GENERATION_MODELS,
  acceptedSignatures: ["skip_thought_signature_validator", "context_engineering_is_the_way_to_go", ...issued],
  toolCallIds: 5,
});

const settings = fc.record({
  toolSchemaFormat: fc.constantFrom("json-schema" as const, "openapi" as const),
  reasoningOutput: fc.constantFrom("reasoning_content" as const, "none" as const),
});

test("any accepted chat request translates into a request Gemini accepts", () => {
  fc.assert(
    fc.property(requests, settings, (request, { toolSchemaFormat, reasoningOutput }) => {
      const parsed = parseChatCompletionRequest(request);
      // The route downloads http(s) images before translating; here every download gives a PNG.
      const remoteMedia = new Map(
        collectRemoteMediaUrls(parsed).map((url) => [url, { mimeType: "image/png", data: PNG_BASE64 }]),
      );
      const converted = convertChatRequest(parsed, {
        thoughtSignatures: storedSignatures,
        remoteMedia,
        reasoningOutput,
        toolSchemaFormat,
      });
      expect(fakeGeminiRefusal(converted.model, converted.body, signatures)).toBeUndefined();
    }),
    { numRuns: 400 },
  );
});

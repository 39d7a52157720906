/**
 * Gemini 3's thought-signature rule (reference §10): in the current turn, every model step's first
 * functionCall needs a signature the API issued (or a documented dummy); earlier turns are not checked.
 */
import { DUMMY_THOUGHT_SIGNATURES, type FakeGemini, reply, startFakeGemini } from "../fake-gemini/index.js";
import { callFake } from "../fake-gemini/test-client.js";

const KEY = "fake-key-signatures-0001";

const userText = (text: string) => ({ role: "user", parts: [{ text }] });
const toolResult = (name: string) => ({
  role: "user",
  parts: [{ functionResponse: { name, response: { output: "ok" } } }],
});
const modelCalls = (signature: string | undefined, ...names: string[]) => ({
  role: "model",
  parts: names.map((name, index) => ({
    functionCall: { name, args: {} },
    ...(index === 0 && signature !== undefined ? { thoughtSignature: signature } : {}),
  })),
});

describe("thought signatures", () => {
  let fake: FakeGemini;
  const generate = async (model: string, contents: unknown[]) => {
    const answer = await callFake(fake, `/v1beta/models/${model}:generateContent`, {
      apiKey: KEY,
      body: { contents },
    });
    return { status: answer.status, json: answer.json as { error?: { message: string } } };
  };

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: [KEY] });
  });
  afterAll(() => fake.close());

  test("a missing signature in the current turn is the exact 400, with the 1-based position", async () => {
    const answer = await generate("gemini-3-pro-preview", [
      userText("weather?"),
      modelCalls(undefined, "get_weather"),
      toolResult("get_weather"),
    ]);

    expect(answer).toEqual({
      status: 400,
      json: {
        error: {
          code: 400,
          message:
            "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:get_weather` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.",
          status: "INVALID_ARGUMENT",
        },
      },
    });
  });

  test("every step of the current turn is checked, but only its first call", async () => {
    const issued = fake.issueThoughtSignature();
    const answer = await generate("gemini-3-flash-preview", [
      userText("plan a trip"),
      modelCalls(issued, "flights", "hotels"),
      toolResult("flights"),
      modelCalls(undefined, "car_rental"),
      toolResult("car_rental"),
    ]);

    expect(answer.status).toBe(400);
    expect(answer.json.error?.message).toContain("function call `default_api:car_rental` , position 4.");
  });

  test("earlier turns are not validated", async () => {
    const answer = await generate("gemini-3-pro-preview", [
      userText("first question"),
      modelCalls(undefined, "lookup"),
      toolResult("lookup"),
      { role: "model", parts: [{ text: "Done." }] },
      userText("second question"),
    ]);

    expect(answer.status).toBe(200);
  });

  test("a signature the fake never issued is corrupted; the documented dummies pass", async () => {
    const forged = await generate("gemini-3-pro-preview", [
      userText("weather?"),
      modelCalls("Zm9yZ2VkLXNpZ25hdHVyZQ==", "get_weather"),
      toolResult("get_weather"),
    ]);
    expect(forged.status).toBe(400);
    expect(forged.json.error?.message).toBe("Corrupted thought signature.");

    for (const dummy of DUMMY_THOUGHT_SIGNATURES) {
      const answer = await generate("gemini-3-pro-preview", [
        userText("weather?"),
        modelCalls(dummy, "get_weather"),
        toolResult("get_weather"),
      ]);
      expect(answer.status).toBe(200);
    }
  });

  test("signatures from the fake's own answers (streamed or not) are accepted later", async () => {
    fake.enqueue(reply.functionCalls([{ name: "get_weather", args: { city: "Oslo" } }]));
    const first = await callFake(fake, "/v1beta/models/gemini-3-pro-preview:generateContent", {
      apiKey: KEY,
      body: { contents: [userText("weather?")] },
    });
    const modelTurn = (first.json as { candidates: Array<{ content: unknown }> }).candidates[0]?.content;

    const second = await generate("gemini-3-pro-preview", [
      userText("weather?"),
      modelTurn,
      toolResult("get_weather"),
    ]);
    expect(second.status).toBe(200);
  });

  test("a scripted signature is accepted when sent back", async () => {
    fake.enqueue(reply.functionCalls([{ name: "f" }], { thoughtSignature: "c2NyaXB0ZWQ=" }));
    await generate("gemini-3-pro-preview", [userText("go")]);

    const answer = await generate("gemini-3-pro-preview", [
      userText("go"),
      modelCalls("c2NyaXB0ZWQ=", "f"),
      toolResult("f"),
    ]);
    expect(answer.status).toBe(200);
  });

  test("Gemini 2.5 does not enforce the rule", async () => {
    const answer = await generate("gemini-2.5-flash", [
      userText("weather?"),
      modelCalls(undefined, "get_weather"),
      toolResult("get_weather"),
    ]);

    expect(answer.status).toBe(200);
  });
});

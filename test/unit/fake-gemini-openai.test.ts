/**
 * Google's OpenAI-compatibility layer as the fake serves it (reference §8), read by the real `openai`
 * client where it can be, and raw where the bytes matter (array-wrapped errors).
 */
import OpenAI from "openai";
import { type FakeGemini, geminiErrors, reply, startFakeGemini } from "../fake-gemini/index.js";
import { callFake, sseEvents } from "../fake-gemini/test-client.js";

const KEY = "fake-key-compat-0001";
const CHAT = "/v1beta/openai/chat/completions";

describe("the compat layer /v1beta/openai", () => {
  let fake: FakeGemini;
  let client: OpenAI;
  const postChat = (body: unknown) =>
    callFake(fake, CHAT, { body, headers: { authorization: `Bearer ${KEY}` } });

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: [KEY] });
    client = new OpenAI({ apiKey: KEY, baseURL: `${fake.url}/v1beta/openai/`, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  test("a chat completion, with the Bearer key recorded", async () => {
    const completion = await client.chat.completions.create({
      model: "gemini-2.0-flash",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "Hello compat" },
      ],
    });

    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message).toMatchObject({
      role: "assistant",
      content: "Echo: Hello compat",
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
    expect(fake.requests[0]).toMatchObject({ key: KEY, keySource: "bearer", model: "gemini-2.0-flash" });
  });

  test("a streamed chat completion ends with usage in the last content chunk and [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: "gemini-2.0-flash",
      messages: [{ role: "user", content: "one two three four" }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content).join("")).toBe("Echo: one two three four");
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, "stop"]);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 6 });
    expect(chunks[0]?.usage).toBeUndefined();
    const raw = await postChat({
      model: "gemini-2.0-flash",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    expect(raw.text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  test("tool calls carry the thought signature, and it is accepted back on Gemini 3", async () => {
    fake.enqueue(reply.functionCalls([{ name: "get_weather", args: { city: "Rome" } }]));
    const tools = [
      { type: "function" as const, function: { name: "get_weather", parameters: { type: "object" } } },
    ];
    const question = { role: "user" as const, content: "Weather in Rome?" };
    const first = await client.chat.completions.create({
      model: "gemini-3-pro-preview",
      messages: [question],
      tools,
    });
    const message = first.choices[0]?.message;
    const call = message?.tool_calls?.[0] as unknown as {
      id: string;
      function: { name: string; arguments: string };
      extra_content: { google: { thought_signature: string } };
    };

    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call.function).toEqual({ name: "get_weather", arguments: '{"city":"Rome"}' });
    expect(call.extra_content.google.thought_signature).toEqual(expect.any(String));

    const toolTurn = { role: "tool" as const, tool_call_id: call.id, content: '{"temp_c":30}' };
    const withSignature = await postChat({
      model: "gemini-3-pro-preview",
      messages: [question, { role: "assistant", content: null, tool_calls: [call] }, toolTurn],
      tools,
    });
    const { extra_content: _dropped, ...unsigned } = call;
    const withoutSignature = await postChat({
      model: "gemini-3-pro-preview",
      messages: [question, { role: "assistant", content: null, tool_calls: [unsigned] }, toolTurn],
      tools,
    });

    expect(withSignature.status).toBe(200);
    expect(withoutSignature.status).toBe(400);
    expect(withoutSignature.json).toEqual([geminiErrors.missingThoughtSignature("get_weather", 2).body]);
  });

  test("thoughts come inside <thought> tags, flagged in extra_content", async () => {
    const answer = await postChat({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "think" }],
      extra_body: { google: { thinking_config: { include_thoughts: true } } },
    });
    const message = (answer.json as { choices: [{ message: { content: string; extra_content: unknown } }] })
      .choices[0].message;

    expect(message.content).toMatch(/^<thought>\*\*Reading the request\*\*[\s\S]*<\/thought>Echo: think$/);
    expect(message.extra_content).toEqual({ google: { thought: true } });
  });

  test("unknown fields and errors come back wrapped in an array", async () => {
    const answer = await postChat({
      model: "gemini-2.0-flash",
      messages: [{ role: "user", content: "hi" }],
      web_search_options: {},
    });
    const description =
      'Invalid JSON payload received. Unknown name "web_search_options": Cannot find field.';

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual([
      {
        error: {
          code: 400,
          message: description,
          status: "INVALID_ARGUMENT",
          details: [
            { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ description }] },
          ],
        },
      },
    ]);

    fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.0-flash" }));
    const limited = await postChat({
      model: "gemini-2.0-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(limited.status).toBe(429);
    expect(Array.isArray(limited.json)).toBe(true);
  });

  test("reasoning_effort maps onto the model's thinking, with its refusals", async () => {
    const medium = await postChat({
      model: "gemini-3-pro-preview",
      messages: [{ role: "user", content: "hi" }],
      reasoning_effort: "medium",
    });
    const none = await postChat({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "hi" }],
      reasoning_effort: "none",
    });

    expect((medium.json as [{ error: { message: string } }])[0].error.message).toBe(
      "Thinking level MEDIUM is not supported for this model.",
    );
    expect((none.json as [{ error: { message: string } }])[0].error.message).toBe(
      "Budget 0 is invalid. This model only works in thinking mode.",
    );
  });

  test("embeddings in floats and in base64, and the model list", async () => {
    const floats = await client.embeddings.create({
      model: "gemini-embedding-001",
      input: ["a", "b"],
      encoding_format: "float",
      dimensions: 4,
    });
    const decoded = await client.embeddings.create({
      model: "gemini-embedding-001",
      input: "a",
      dimensions: 4,
    });
    const models = await client.models.list();

    expect(floats.data.map((item) => item.embedding.length)).toEqual([4, 4]);
    expect(decoded.data[0]?.embedding).toHaveLength(4);
    decoded.data[0]?.embedding.forEach((value, index) => {
      expect(value).toBeCloseTo(floats.data[0]?.embedding[index] ?? Number.NaN, 6);
    });
    expect(models.data.map((model) => model.id)).toContain("models/gemini-2.5-flash");
  });

  test("a stream can be cut after some chunks", async () => {
    fake.enqueue(reply.drop(1));
    const response = await fetch(`${fake.url}${CHAT}`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gemini-2.0-flash",
        messages: [{ role: "user", content: "a b c d" }],
        stream: true,
      }),
    });
    const reader = response.body!.getReader();
    const first = await reader.read();

    expect(sseEvents(new TextDecoder().decode(first.value))).toHaveLength(1);
    await expect(
      (async () => {
        while (!(await reader.read()).done) {}
      })(),
    ).rejects.toThrow();
  });
});

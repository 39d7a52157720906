/**
 * The official `openai` npm client's Responses API (`responses.create`, `responses.stream`,
 * `responses.parse`, `responses.retrieve`) against the BUILT gateway in front of the fake Gemini: what its
 * users see, streaming and not, tool loops on Gemini 3 without server-side state, stored conversations,
 * images, JSON output and the errors it types.
 */
import OpenAI from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { z } from "zod";
import { geminiErrors, reply } from "../fake-gemini/index.js";
import {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  generateRequests,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import { request } from "../support/http.js";
import { checkResponsesStream, postResponsesStream } from "../support/responses-stream.js";
import { pngDataUrl } from "../unit/translate/fixtures/client-requests.js";

let env: E2eEnvironment;
let client: OpenAI;

beforeAll(async () => {
  env = await startEnvironment();
  client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
});
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  await env.reset();
});

const execTool = {
  type: "function" as const,
  name: "exec_command",
  description: "Runs a shell command.",
  strict: false,
  parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] },
};

describe("responses.create", () => {
  test("a plain answer: output_text, usage, the model the client named, a resp_ id", async () => {
    const response = await client.responses.create({ model: "gemini-2.5-flash", input: "Hello there" });
    expect(response.id).toMatch(/^resp_/);
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.model).toBe("gemini-2.5-flash");
    expect(response.output_text).toBe("Echo: Hello there");
    expect(response.output).toEqual([
      expect.objectContaining({
        type: "message",
        role: "assistant",
        status: "completed",
        id: expect.stringMatching(/^msg_/),
      }),
    ]);
    expect(response.usage).toMatchObject({
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
      total_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: expect.any(Number) },
    });
    expect(generateRequests(env.fake).map((recorded) => recorded.action)).toEqual(["generateContent"]);
  });

  test("instructions and developer messages become the system instruction", async () => {
    await client.responses.create({
      model: "gemini-2.5-flash",
      instructions: "Answer in French.",
      input: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "input_text", text: "Bonjour" }] },
      ],
    });
    expect(lastGeminiBody(env.fake).systemInstruction).toEqual({
      parts: [{ text: "Answer in French." }, { text: "Be brief." }],
    });
  });

  test("an image as a data URL reaches Gemini inline", async () => {
    const response = await client.responses.create({
      model: "gemini-2.5-flash",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is in this picture?" },
            { type: "input_image", image_url: pngDataUrl, detail: "auto" },
          ],
        },
      ],
    });
    expect(response.status).toBe("completed");
    const parts = lastGeminiBody(env.fake).contents[0].parts;
    expect(parts[1]).toEqual({ inlineData: { mimeType: "image/png", data: pngDataUrl.split(",")[1] } });
  });

  test("JSON schema output through text.format, parsed by responses.parse", async () => {
    env.fake.enqueue(reply.text('{"city":"Paris","population":2100000}'));
    const City = z.object({ city: z.string(), population: z.number() });
    const parsed = await client.responses.parse({
      model: "gemini-2.5-flash",
      input: "The largest city of France, as JSON.",
      text: { format: zodTextFormat(City, "city") },
    });
    expect(parsed.output_parsed).toEqual({ city: "Paris", population: 2_100_000 });
    const config = lastGeminiBody(env.fake).generationConfig;
    expect(config.responseMimeType).toBe("application/json");
    expect(config.responseJsonSchema).toMatchObject({ type: "object", required: ["city", "population"] });
  });

  test("max_output_tokens cut: status incomplete with max_output_tokens, the output kept", async () => {
    env.fake.enqueue(reply.text("A long story that was cut", { finishReason: "MAX_TOKENS" }));
    const response = await client.responses.create({
      model: "gemini-2.5-flash",
      input: "Tell me a story",
      max_output_tokens: 10,
    });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.output_text).toBe("A long story that was cut");
    expect(lastGeminiBody(env.fake).generationConfig.maxOutputTokens).toBe(10);
  });
});

describe("responses.stream", () => {
  test("the stream helper's events and final response; the raw stream holds every invariant", async () => {
    const stream = client.responses.stream({ model: "gemini-2.5-flash", input: "Stream this please" });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.status).toBe("completed");
    expect(deltas.join("")).toBe("Echo: Stream this please");
    expect(final.output_text).toBe("Echo: Stream this please");

    const raw = await postResponsesStream(env.url, { model: "gemini-2.5-flash", input: "Again" });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(checkResponsesStream(raw.events)).toMatchObject({
      status: "completed",
      output: [{ type: "message" }],
    });
  });

  test("a failure after the stream started ends with response.failed, never silently", async () => {
    env.fake.enqueue(reply.midStreamError({ afterChunks: 1, error: geminiErrors.unavailable() }));
    const raw = await postResponsesStream(env.url, { model: "gemini-2.5-flash", input: "Break please" });
    const final = checkResponsesStream(raw.events);
    expect(final.status).toBe("failed");
    expect(final.error).toEqual({ code: expect.any(String), message: expect.any(String) });
    expect(raw.events.at(-1)?.event).toBe("response.failed");
  });
});

describe("a Gemini 3 tool loop with reasoning and store:false (Codex's way)", () => {
  const model = "gemini-3-flash-preview";

  async function firstTurn() {
    env.fake.enqueue(reply.functionCalls([{ name: "exec_command", args: { cmd: "ls" } }]), { model });
    const input: ResponseInputItem[] = [{ role: "user", content: "List the files." }];
    const first = await client.responses
      .stream({
        model,
        input,
        tools: [execTool],
        store: false,
        include: ["reasoning.encrypted_content"],
        reasoning: { effort: "low", summary: "auto" },
      })
      .finalResponse();
    return { input, first };
  }

  test("the call comes back with its signature in a reasoning item; sent back, Gemini accepts the turn", async () => {
    const { input, first } = await firstTurn();
    const call = first.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({
      name: "exec_command",
      arguments: '{"cmd":"ls"}',
      call_id: expect.stringMatching(/^call_/),
    });
    const reasoning = first.output.find((item) => item.type === "reasoning");
    expect(reasoning?.encrypted_content).toEqual(expect.stringContaining("gemini_thought_signatures"));
    expect(lastGeminiBody(env.fake).generationConfig.thinkingConfig).toEqual({
      includeThoughts: true,
      thinkingLevel: "LOW",
    });

    const second = await client.responses.create({
      model,
      input: [
        ...input,
        ...(first.output as ResponseInputItem[]),
        {
          type: "function_call_output",
          call_id: call?.type === "function_call" ? call.call_id : "",
          output: "a.txt\nb.txt",
        },
      ],
      tools: [execTool],
      store: false,
      include: ["reasoning.encrypted_content"],
    });
    expect(second.status).toBe("completed");
    expect(second.output_text).toContain("exec_command");
    const step = lastGeminiBody(env.fake).contents[1];
    expect(step.role).toBe("model");
    expect(step.parts[0].thoughtSignature).toEqual(expect.any(String));
    expect(step.parts[0].thoughtSignature).not.toBe("skip_thought_signature_validator");
  });

  test("a client that drops the reasoning items still gets the turn through: the gateway kept the signature", async () => {
    const { input, first } = await firstTurn();
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function call");
    const second = await client.responses.create({
      model,
      input: [...input, call, { type: "function_call_output", call_id: call.call_id, output: "a.txt" }],
      tools: [execTool],
      store: false,
    });
    expect(second.status).toBe("completed");
    const signature = lastGeminiBody(env.fake).contents[1].parts[0].thoughtSignature;
    expect(signature).toEqual(expect.any(String));
    expect(signature).not.toBe("skip_thought_signature_validator");
  });

  test("store:false keeps nothing: the response cannot be retrieved", async () => {
    const { first } = await firstTurn();
    await expect(client.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("custom and namespace tools", () => {
  test("a custom tool's call comes back as custom_tool_call, a namespaced one with its namespace; outputs go back", async () => {
    const tools: OpenAI.Responses.Tool[] = [
      { type: "custom", name: "apply_patch", description: "Apply a patch.", format: { type: "text" } },
      {
        type: "namespace",
        name: "crm",
        description: "Customer records.",
        tools: [
          {
            type: "function",
            name: "lookup",
            strict: false,
            parameters: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
          },
        ],
      },
    ];
    env.fake.enqueue(
      reply.functionCalls([
        { name: "apply_patch", args: { input: "*** Begin Patch\n*** End Patch" } },
        { name: "crm.lookup", args: { email: "ada@example.com" } },
      ]),
    );
    const input: ResponseInputItem[] = [{ role: "user", content: "Patch, then look Ada up." }];
    const first = await client.responses.create({ model: "gemini-2.5-flash", input, tools });
    const calls = first.output.filter((item) => item.type !== "reasoning");
    expect(calls).toEqual([
      expect.objectContaining({
        type: "custom_tool_call",
        name: "apply_patch",
        input: "*** Begin Patch\n*** End Patch",
      }),
      expect.objectContaining({
        type: "function_call",
        name: "lookup",
        namespace: "crm",
        arguments: '{"email":"ada@example.com"}',
      }),
    ]);
    const declared = lastGeminiBody(env.fake).tools[0].functionDeclarations.map(
      (declaration: { name: string }) => declaration.name,
    );
    expect(declared).toEqual(["apply_patch", "crm.lookup"]);

    const [patch, lookup] = calls;
    if (patch?.type !== "custom_tool_call" || lookup?.type !== "function_call")
      throw new Error("unexpected output");
    await client.responses.create({
      model: "gemini-2.5-flash",
      tools,
      input: [
        ...input,
        patch,
        lookup,
        { type: "custom_tool_call_output", call_id: patch.call_id, output: "Patched." },
        { type: "function_call_output", call_id: lookup.call_id, output: '{"name":"Ada"}' },
      ],
    });
    expect(lastGeminiBody(env.fake).contents.slice(1)).toEqual([
      {
        role: "model",
        parts: [
          {
            functionCall: { name: "apply_patch", args: { input: "*** Begin Patch\n*** End Patch" } },
            thoughtSignature: expect.any(String),
          },
          { functionCall: { name: "crm.lookup", args: { email: "ada@example.com" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "apply_patch", response: { output: "Patched." } } },
          { functionResponse: { name: "crm.lookup", response: { name: "Ada" } } },
        ],
      },
    ]);
  });
});

describe("stored responses", () => {
  test("previous_response_id continues the conversation; retrieve and delete find it", async () => {
    const first = await client.responses.create({ model: "gemini-2.5-flash", input: "My name is Ada." });
    const second = await client.responses.create({
      model: "gemini-2.5-flash",
      input: "What is my name?",
      previous_response_id: first.id,
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(lastGeminiBody(env.fake).contents).toEqual([
      { role: "user", parts: [{ text: "My name is Ada." }] },
      { role: "model", parts: [{ text: "Echo: My name is Ada." }] },
      { role: "user", parts: [{ text: "What is my name?" }] },
    ]);

    const retrieved = await client.responses.retrieve(second.id);
    expect(retrieved).toMatchObject({ id: second.id, status: "completed", output_text: second.output_text });
    await client.responses.delete(second.id);
    await expect(client.responses.retrieve(second.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("retrieve shows the signature carriers only when include asks for them", async () => {
    env.fake.enqueue(reply.functionCalls([{ name: "exec_command", args: { cmd: "ls" } }]), {
      model: "gemini-3-flash-preview",
    });
    const created = await client.responses.create({
      model: "gemini-3-flash-preview",
      input: "List.",
      tools: [execTool],
    });
    const reasoningOf = (response: OpenAI.Responses.Response) =>
      response.output.find((item) => item.type === "reasoning");
    expect(reasoningOf(created)).toEqual({
      type: "reasoning",
      id: expect.stringMatching(/^rs_/),
      summary: [],
    });
    expect(reasoningOf(await client.responses.retrieve(created.id))).not.toHaveProperty("encrypted_content");
    const withCarriers = await client.responses.retrieve(created.id, {
      include: ["reasoning.encrypted_content"],
    });
    expect(reasoningOf(withCarriers)?.encrypted_content).toContain("gemini_thought_signatures");
  });

  test("a streamed response is stored before its last event: the next turn may name it at once", async () => {
    const first = await client.responses
      .stream({ model: "gemini-2.5-flash", input: "Remember 42." })
      .finalResponse();
    const next = await client.responses.create({
      model: "gemini-2.5-flash",
      input: "Which number?",
      previous_response_id: first.id,
    });
    expect(next.status).toBe("completed");
    expect(lastGeminiBody(env.fake).contents).toHaveLength(3);
  });

  test("inputItems.list pages through the input a stored response answered, newest first by default", async () => {
    const created = await client.responses.create({
      model: "gemini-2.5-flash",
      input: [
        { role: "user", content: "First question." },
        { role: "assistant", content: "First answer." },
        { role: "user", content: [{ type: "input_text", text: "Second question." }] },
      ],
    });

    const newestFirst = await client.responses.inputItems.list(created.id);
    expect(newestFirst.data.map((item) => item.type === "message" && item.content)).toEqual([
      [{ type: "input_text", text: "Second question." }],
      [{ type: "output_text", text: "First answer." }],
      [{ type: "input_text", text: "First question." }],
    ]);
    expect(newestFirst.has_more).toBe(false);
    expect(newestFirst.data[0]).toMatchObject({ type: "message", role: "user", status: "completed" });

    const ids = newestFirst.data.map((item) => item.id);
    expect(new Set(ids).size).toBe(3);
    const pagedOldestFirst: string[] = [];
    for await (const item of client.responses.inputItems.list(created.id, { order: "asc", limit: 1 })) {
      pagedOldestFirst.push(item.id);
    }
    expect(pagedOldestFirst).toEqual([...ids].reverse());
    expect((await client.responses.inputItems.list(created.id)).data.map((item) => item.id)).toEqual(ids);
  });

  test("inputItems.list: an unknown response is a 404, a bad limit or cursor a 400 naming it", async () => {
    await expect(client.responses.inputItems.list("resp_doesnotexist")).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    const created = await client.responses.create({ model: "gemini-2.5-flash", input: "Hello." });
    for (const [query, param] of [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["order=sideways", "order"],
      ["after=msg_unknown", "after"],
    ]) {
      const answer = await request(`${env.url}/v1/responses/${created.id}/input_items?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { type: "invalid_request_error", param } });
    }
  });

  test("an unknown previous_response_id is a 404 in OpenAI's shape", async () => {
    const answer = await request(`${env.url}/v1/responses`, {
      method: "POST",
      body: { model: "gemini-2.5-flash", input: "x", previous_response_id: "resp_doesnotexist" },
    });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      error: {
        message: expect.stringContaining("resp_doesnotexist"),
        type: "invalid_request_error",
        code: null,
        param: "previous_response_id",
      },
    });
  });
});

describe("errors", () => {
  test("a bad request is a 400 in OpenAI's shape that names the field", async () => {
    const answer = await request(`${env.url}/v1/responses`, {
      method: "POST",
      body: { model: "gemini-2.5-flash", input: [{ type: "function_call_output", output: "x" }] },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: {
        message: "'input[0].call_id' is required.",
        type: "invalid_request_error",
        code: null,
        param: "input[0].call_id",
      },
    });
  });

  test("every key resting: 429 with Retry-After, typed by the client as a rate limit", async () => {
    for (const key of E2E_KEYS) {
      env.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 30 }),
      );
    }
    const error = await client.responses
      .create({ model: "gemini-2.5-flash", input: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(error.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(error.error).toMatchObject({ type: "rate_limit_error" });
    const streamed = await postResponsesStream(env.url, { model: "gemini-2.5-flash", input: "x" });
    expect(streamed.status).toBe(429);
    expect(Number(streamed.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

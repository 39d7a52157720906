/**
 * How a stream lives through the BUILT gateway: kept alive with `: ping` comments during long silent
 * thinking (SSE_KEEPALIVE_MS shortened to 200 ms here), nothing at all before the upstream has answered
 * (so a late 429 is still a real 429), and empty answers retried once unseen, or else reported as an
 * error rather than an empty `stop`.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import OpenAI from "openai";
import { geminiErrors, reply } from "../fake-gemini/index.js";
import type { FakeChunk } from "../fake-gemini/types.js";
import {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  generateRequests,
  startEnvironment,
} from "../support/e2e-environment.js";
import {
  contentOf,
  expectChatStreamInvariants,
  finishReasonOf,
  postChat,
  postChatStream,
  reasoningOf,
} from "../support/openai-chat-stream.js";

const KEEPALIVE_MS = 200;
const body = (model: string) => ({
  model,
  messages: [{ role: "user" as const, content: "Prove it." }],
  stream: true,
  stream_options: { include_usage: true },
});

let env: E2eEnvironment;
beforeAll(async () => {
  env = await startEnvironment({ env: { SSE_KEEPALIVE_MS: String(KEEPALIVE_MS) } });
});
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  await env.reset();
});

/** One raw Gemini chunk of a 2.5 Flash stream. */
function chunk(
  parts: Array<Record<string, unknown>>,
  finishReason?: string,
  extra: Record<string, unknown> = {},
): FakeChunk {
  return {
    candidates: [
      { content: { parts, role: "model" }, index: 0, ...(finishReason ? { finishReason } : {}), ...extra },
    ],
    usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
    modelVersion: "gemini-2.5-flash",
    responseId: "fake-response",
  } as FakeChunk;
}

describe("keep-alive", () => {
  test("long silent thinking between chunks: `: ping` comments, and every client still reads a clean stream", async () => {
    // 500 ms of silence between the thought summary and each piece of the answer.
    env.fake.enqueue(reply.text(["The proof ", "is done."], { thoughts: "Thinking hard.", paceMs: 500 }));
    const result = await postChatStream(env.url, body("gemini-2.5-flash"));
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    expect(contentOf(chunks)).toBe("The proof is done.");
    const pings = result.comments.filter((comment) => comment.text === "ping");
    expect(pings.length).toBeGreaterThanOrEqual(2);
    // Comments go out only inside the stream: after the first data event, before [DONE] (the
    // invariants refuse anything after it).
    expect(pings[0]?.afterEvents).toBeGreaterThan(0);

    env.fake.enqueue(reply.text(["The proof ", "is done."], { thoughts: "Thinking hard.", paceMs: 500 }));
    const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
    const stream = await client.chat.completions.create({ ...body("gemini-2.5-flash"), stream: true });
    let text = "";
    for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
    expect(text).toBe("The proof is done.");

    env.fake.enqueue(reply.text(["The proof ", "is done."], { thoughts: "Thinking hard.", paceMs: 500 }));
    const gateway = createOpenAICompatible({
      name: "gateway",
      baseURL: `${env.url}/v1`,
      apiKey: ACCESS_TOKEN,
      includeUsage: true,
    });
    const sdkResult = streamText({ model: gateway("gemini-2.5-flash"), prompt: "Prove it.", maxRetries: 0 });
    const parts: Array<{ type: string }> = [];
    for await (const part of sdkResult.fullStream) parts.push(part);
    expect(parts.filter((part) => part.type === "error")).toEqual([]);
    expect(await sdkResult.text).toBe("The proof is done.");
  });

  test("a stream that keeps talking gets no ping", async () => {
    env.fake.enqueue(reply.text(["a ", "b ", "c ", "d."], { paceMs: 20 }));
    const result = await postChatStream(env.url, body("gemini-2.5-flash"));
    expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    expect(result.comments.map((comment) => comment.text)).not.toContain("ping");
  });

  test("a slow first byte sends nothing early: the status line waits, so a late 429 is still a real 429", async () => {
    for (const key of E2E_KEYS) {
      env.fake.setKeyBehavior(
        key,
        reply.delay(300, geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 5 })),
      );
    }
    const response = await postChat(env.url, body("gemini-2.5-flash"));
    expect(response.status).toBe(429);
    expect(response.text).not.toContain(": ping");
    expect(response.json.error.type).toBe("rate_limit_error");
  });

  test("a slow first byte, then an answer: a clean 200 stream", async () => {
    env.fake.enqueue(reply.delay(700, reply.text("Late but fine.")));
    const result = await postChatStream(env.url, body("gemini-2.0-flash"));
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.0-flash" });
    expect(contentOf(chunks)).toBe("Late but fine.");
  });
});

describe("unfinished streams", () => {
  test("a body that ends cleanly before Gemini's finish reason: the text, then an error event, no fake stop", async () => {
    env.fake.enqueue(reply.chunks([chunk([{ text: "The answer is " }]), chunk([{ text: "forty" }])]));
    const result = await postChatStream(env.url, body("gemini-2.5-flash"));
    expect(result.status).toBe(200);
    expect(result.done).toBe(false);
    const last = result.payloads.at(-1)!;
    expect(last.error).toMatchObject({ type: "server_error", code: "upstream_error" });
    expect(last.error.message).toMatch(/^Upstream stream interrupted/);
    expect(contentOf(result.payloads.slice(0, -1) as never)).toBe("The answer is forty");
    expect(
      result.payloads.some((payload) => payload.choices?.some((choice: any) => choice.finish_reason)),
    ).toBe(false);
  });

  test("the same through the openai client: the text, then an APIError", async () => {
    env.fake.enqueue(reply.chunks([chunk([{ text: "The answer is " }]), chunk([{ text: "forty" }])]));
    const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
    const stream = await client.chat.completions.create({ ...body("gemini-2.5-flash"), stream: true });
    let text = "";
    const error = await (async () => {
      for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(text).toBe("The answer is forty");
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });
});

describe("empty answers", () => {
  test("a reply of thoughts only is retried once; the client gets the second answer, in one clean stream", async () => {
    env.fake.enqueue(reply.chunks([chunk([{ text: "Hmm.", thought: true }]), chunk([{ text: "" }], "STOP")]));
    env.fake.enqueue(reply.text("Here it is.", { thoughts: "Second try." }));
    const result = await postChatStream(env.url, body("gemini-2.5-flash"));
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    expect(contentOf(chunks)).toBe("Here it is.");
    expect(finishReasonOf(chunks)).toBe("stop");
    expect(reasoningOf(chunks)).toContain("Second try.");
    expect(generateRequests(env.fake)).toHaveLength(2);
  });

  test("a malformed function call twice: an error event naming it, never an empty stop", async () => {
    const malformed = chunk([], "MALFORMED_FUNCTION_CALL", {
      content: {},
      finishMessage: 'Malformed function call: print(default_api.read_file(path="a.ts))',
    });
    env.fake.enqueue(reply.chunks([malformed]));
    env.fake.enqueue(reply.chunks([malformed]));
    const result = await postChatStream(env.url, body("gemini-2.5-flash"));
    expect(result.status).toBe(200);
    expect(result.done).toBe(false);
    const last = result.payloads.at(-1)!;
    expect(last.error).toMatchObject({ type: "server_error", code: "empty_response" });
    expect(last.error.message).toMatch(/MALFORMED_FUNCTION_CALL/);
    expect(last.error.message).toMatch(/Malformed function call/);
    expect(
      result.payloads.some((payload) => payload.choices?.some((choice: any) => choice.finish_reason)),
    ).toBe(false);
    expect(generateRequests(env.fake)).toHaveLength(2);
  });

  test("non-streaming, empty twice: a 502 the client can retry, with the reason", async () => {
    const empty = chunk([{ text: "" }], "STOP");
    env.fake.enqueue(reply.chunks([empty]));
    env.fake.enqueue(reply.chunks([empty]));
    const response = await postChat(env.url, { ...body("gemini-2.5-flash"), stream: false });
    expect(response.status).toBe(502);
    const { error } = response.json;
    expect(error).toMatchObject({ type: "server_error", code: "empty_response" });
    expect(generateRequests(env.fake)).toHaveLength(2);
  });

  test("a blocked prompt is a refusal, not a glitch: content_filter at once, no retry", async () => {
    env.fake.enqueue(
      reply.chunks([
        {
          promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
          usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
          modelVersion: "gemini-2.5-flash",
          responseId: "fake-response",
        } as FakeChunk,
      ]),
    );
    const result = await postChatStream(env.url, body("gemini-2.5-flash"));
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    expect(finishReasonOf(chunks)).toBe("content_filter");
    expect(generateRequests(env.fake)).toHaveLength(1);
  });

  test("thinking that spends the whole output limit: finish_reason length at once, no retry", async () => {
    env.fake.enqueue(
      reply.chunks([chunk([{ text: "Long thoughts.", thought: true }]), chunk([{ text: "" }], "MAX_TOKENS")]),
    );
    const result = await postChatStream(env.url, { ...body("gemini-2.5-flash"), max_tokens: 16 });
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    expect(finishReasonOf(chunks)).toBe("length");
    expect(generateRequests(env.fake)).toHaveLength(1);
  });
});

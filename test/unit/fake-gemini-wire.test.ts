/**
 * The fake's bytes on the wire: SSE framing, the JSON-array stream, response shapes and headers, Gemini 3
 * signature placement, thoughts, and the live edge shapes of reference §2 and §3.
 */
import { type FakeGemini, reply, startFakeGemini } from "../fake-gemini/index.js";
import { toSseLineJson } from "../fake-gemini/json.js";
import { callFake, sseEvents } from "../fake-gemini/test-client.js";

const KEY = "fake-key-wire-0001";
const user = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }] });

interface Chunk {
  candidates?: Array<{
    content?: { parts?: Array<Record<string, unknown>>; role?: string };
    finishReason?: string;
    finishMessage?: string;
    index?: number;
  }>;
  usageMetadata?: Record<string, number>;
  modelVersion?: string;
  responseId?: string;
}

describe("the fake's wire format", () => {
  let fake: FakeGemini;
  const post = (path: string, body: unknown) => callFake(fake, path, { apiKey: KEY, body });
  const stream = async (model: string, body: unknown) => {
    const answer = await post(`/v1beta/models/${model}:streamGenerateContent?alt=sse`, body);
    return { ...answer, chunks: sseEvents(answer.text) as Chunk[] };
  };
  const generate = async (model: string, body: unknown) =>
    (await post(`/v1beta/models/${model}:generateContent`, body)).json as Chunk;

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: [KEY] });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  test("SSE events are `data: <one-line JSON>` framed by CRLF CRLF, with no [DONE]", async () => {
    const { status, headers, text } = await stream("gemini-2.0-flash", user("one two three four five six"));

    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("text/event-stream");
    expect(headers.get("content-disposition")).toBe("attachment");
    expect(text).toMatch(/^(data: [^\r\n]+\r\n\r\n)+$/);
    expect(text).not.toContain("[DONE]");
    // Google's serializer: a space after every colon, none after commas.
    expect(text).toContain('data: {"candidates": [{"content": {"parts": [{"text": "Echo: one ');
    expect(text).toContain('"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 7,');
  });

  test("the one-line serializer spaces keys only, whatever the strings hold", () => {
    const value = { a: 'he said ": x" \\": y', b: [1, { "c:": null }], d: "\n" };

    expect(toSseLineJson(value)).toBe(
      '{"a": "he said \\": x\\" \\\\\\": y","b": [1,{"c:": null}],"d": "\\n"}',
    );
    expect(JSON.parse(toSseLineJson(value))).toEqual(value);
  });

  test("every chunk repeats responseId, modelVersion and running usage; finishReason only on the last", async () => {
    const { chunks } = await stream("gemini-2.0-flash", user("one two three four five six"));
    const full = await generate("gemini-2.0-flash", user("one two three four five six"));

    expect(chunks).toHaveLength(3);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.modelVersion === "gemini-2.0-flash")).toBe(true);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([
      undefined,
      undefined,
      "STOP",
    ]);
    const running = chunks.map((chunk) => chunk.usageMetadata?.candidatesTokenCount);
    expect(running).toEqual([4, 8, 9]);
    expect(chunks.at(-1)?.usageMetadata).toEqual(full.usageMetadata);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text).join("")).toBe(
      full.candidates?.[0]?.content?.parts?.[0]?.text,
    );
  });

  test("scripted LF framing and pacing", async () => {
    fake.enqueue(reply.text(["a", "b"], { framing: "lf", paceMs: 30 }));
    const started = Date.now();
    const { text } = await stream("gemini-2.0-flash", user("hi"));

    expect(text).toMatch(/^(data: [^\r\n]+\n\n){2}$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  test("without alt=sse the stream is Google's pretty JSON array", async () => {
    const answer = await post(
      "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
      user("one two three four five six"),
    );

    expect(answer.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    expect(answer.text.startsWith('[{\n  "candidates": [\n')).toBe(true);
    expect(answer.text).toContain("\n}\n,\r\n{\n");
    expect(answer.text.endsWith("\n}\n]")).toBe(true);
    expect(answer.json).toHaveLength(3);
  });

  test("a non-streaming answer is pretty-printed with Google's headers and shape", async () => {
    const answer = await post("/v1beta/models/gemini-2.0-flash:generateContent", user("Hello"));

    expect(answer.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    expect(answer.headers.get("server")).toBe("scaffolding on HTTPServer2");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(answer.text.startsWith('{\n  "candidates": [\n    {\n')).toBe(true);
    expect(answer.json).toEqual({
      candidates: [
        { content: { parts: [{ text: "Echo: Hello" }], role: "model" }, finishReason: "STOP", index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: 2,
        candidatesTokenCount: 3,
        totalTokenCount: 5,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: 2 }],
      },
      modelVersion: "gemini-2.0-flash",
      responseId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
  });

  test("Gemini 3 text: the last chunk is an empty text part holding the signature, with STOP", async () => {
    const { chunks } = await stream("gemini-3-pro-preview", user("hello there"));
    const last = chunks.at(-1)?.candidates?.[0];

    expect(last?.content?.parts).toEqual([{ text: "", thoughtSignature: expect.any(String) }]);
    expect(last?.finishReason).toBe("STOP");
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(
      true,
    );
    expect(
      chunks
        .slice(0, -1)
        .every((chunk) => !("thoughtSignature" in (chunk.candidates?.[0]?.content?.parts?.[0] ?? {}))),
    ).toBe(true);
    expect(chunks.at(-1)?.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);

    const full = await generate("gemini-3-pro-preview", user("hello there"));
    expect(full.candidates?.[0]?.content?.parts).toEqual([
      { text: "Echo: hello there", thoughtSignature: expect.any(String) },
    ]);
  });

  test("Gemini 3 function calls: the signed call whole in one chunk, then an empty text with STOP", async () => {
    fake.enqueue(
      reply.functionCalls([
        { name: "weather", args: { location: "San Francisco" } },
        { name: "time", args: { zone: "PST" } },
      ]),
    );
    const { chunks } = await stream("gemini-3-flash-preview", user("weather and time?"));

    expect(chunks).toHaveLength(2);
    expect(chunks[0]?.candidates?.[0]?.content?.parts).toEqual([
      {
        functionCall: { name: "weather", args: { location: "San Francisco" } },
        thoughtSignature: expect.any(String),
      },
      { functionCall: { name: "time", args: { zone: "PST" } } },
    ]);
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBeUndefined();
    expect(chunks[1]?.candidates?.[0]).toMatchObject({
      content: { parts: [{ text: "" }] },
      finishReason: "STOP",
    });
  });

  test("Gemini 2.5 function call: one chunk with the call, its signature, STOP and finishMessage", async () => {
    fake.enqueue(reply.functionCalls([{ name: "lookup", args: { id: 7 } }]));
    const { chunks } = await stream("gemini-2.5-flash", user("look it up"));

    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates?.[0]).toEqual({
      content: {
        parts: [{ functionCall: { name: "lookup", args: { id: 7 } }, thoughtSignature: expect.any(String) }],
        role: "model",
      },
      finishReason: "STOP",
      finishMessage: "Model generated function call(s).",
      index: 0,
    });
  });

  test("includeThoughts: a thought part first, thoughtsTokenCount in the total", async () => {
    const full = await generate("gemini-2.5-flash", {
      ...user("think first"),
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    });
    const parts = full.candidates?.[0]?.content?.parts ?? [];
    const usage = full.usageMetadata ?? {};

    expect(parts[0]).toEqual({ text: expect.stringContaining("**Reading the request**"), thought: true });
    expect(parts[1]).toEqual({ text: "Echo: think first" });
    expect(usage.totalTokenCount).toBe(
      (usage.promptTokenCount ?? 0) + (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    );
  });

  test("thinkingBudget 0 turns thinking off on 2.5 Flash; Flash-Lite does not think by default", async () => {
    const off = await generate("gemini-2.5-flash", {
      ...user("quick"),
      generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
    });
    const lite = await generate("gemini-2.5-flash-lite", user("quick"));

    expect(off.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    expect(lite.usageMetadata?.thoughtsTokenCount).toBeUndefined();
  });

  test("a small maxOutputTokens truncates with MAX_TOKENS", async () => {
    const full = await generate("gemini-2.0-flash", {
      ...user("a rather long sentence to echo back"),
      generationConfig: { maxOutputTokens: 3 },
    });

    expect(full.candidates?.[0]).toMatchObject({
      content: { parts: [{ text: "Echo: a rath" }] },
      finishReason: "MAX_TOKENS",
    });
  });

  test("maxOutputTokens 1 on a thinking model: empty text without role or candidatesTokenCount", async () => {
    const full = await generate("gemini-2.5-flash", {
      ...user("hello"),
      generationConfig: { maxOutputTokens: 1 },
    });

    expect(full.candidates?.[0]).toEqual({
      content: { parts: [{ text: "" }] },
      finishReason: "MAX_TOKENS",
      index: 0,
    });
    expect(full.usageMetadata?.candidatesTokenCount).toBeUndefined();
  });

  test("stop sequences: a match at once gives empty content, a later one cuts the text", async () => {
    const atOnce = await generate("gemini-2.0-flash", {
      ...user("abc"),
      generationConfig: { stopSequences: ["Echo"] },
    });
    const later = await generate("gemini-2.0-flash", {
      ...user("abc;def"),
      generationConfig: { stopSequences: [";"] },
    });

    expect(atOnce.candidates?.[0]).toEqual({ content: {}, finishReason: "STOP", index: 0 });
    expect(later.candidates?.[0]?.content?.parts).toEqual([{ text: "Echo: abc" }]);
  });

  test("candidateCount gives indexed, distinct candidates", async () => {
    const full = await generate("gemini-2.0-flash", {
      ...user("pick"),
      generationConfig: { candidateCount: 2 },
    });

    expect(
      full.candidates?.map((candidate) => [candidate.index, candidate.content?.parts?.[0]?.text]),
    ).toEqual([
      [0, "Echo: pick"],
      [1, "Echo (candidate 2): pick"],
    ]);
  });

  test("raw chunks stream as-is, and merge into one response for generateContent", async () => {
    const chunks = [
      { candidates: [{ content: { parts: [{ text: "Hel" }], role: "model" }, index: 0 }], responseId: "r1" },
      {
        candidates: [{ content: { parts: [{ text: "lo" }], role: "model" }, finishReason: "STOP", index: 0 }],
        turnToken: "v1:x",
      },
    ];
    fake.enqueue(reply.chunks(chunks));
    fake.enqueue(reply.chunks(chunks));
    const streamed = await stream("gemini-2.0-flash", user("hi"));
    const merged = await generate("gemini-2.0-flash", user("hi"));

    expect(streamed.chunks).toEqual(chunks);
    expect(merged).toEqual({
      candidates: [
        { content: { parts: [{ text: "Hello" }], role: "model" }, index: 0, finishReason: "STOP" },
      ],
      responseId: "r1",
      turnToken: "v1:x",
    });
  });

  test("unknown paths, a doubled models/ prefix and wrong methods get Google's HTML 404", async () => {
    for (const path of ["/v1beta/nothing", "/v1beta/models/models/gemini-2.0-flash:generateContent"]) {
      const answer = await post(path, user("hi"));
      expect(answer.status).toBe(404);
      expect(answer.headers.get("content-type")).toBe("text/html; charset=UTF-8");
      expect(answer.text).toContain("<p><b>404.</b> <ins>That’s an error.</ins>");
    }
    const wrongMethod = await callFake(fake, "/v1beta/models/gemini-2.0-flash:generateContent", {
      apiKey: KEY,
    });
    expect(wrongMethod.status).toBe(404);
  });
});

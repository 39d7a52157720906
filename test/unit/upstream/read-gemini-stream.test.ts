import type { GeminiGenerateContentResponse } from "../../../src/gemini/wire-types.js";
import { readGeminiStream } from "../../../src/upstream/read-gemini-stream.js";
import { UpstreamError } from "../../../src/upstream/upstream-error.js";

// Shapes recorded from the live API (gemini-2.5-flash, CRLF framed).
const CHUNKS: GeminiGenerateContentResponse[] = [
  {
    candidates: [
      { content: { parts: [{ text: "**Considering**", thought: true }], role: "model" }, index: 0 },
    ],
    usageMetadata: { promptTokenCount: 2, totalTokenCount: 73, thoughtsTokenCount: 71 },
    modelVersion: "gemini-2.5-flash",
    responseId: "jHIPaZKc",
  },
  {
    candidates: [{ content: { parts: [{ text: "The sky is blue é 漢字 🌈" }], role: "model" } }],
    usageMetadata: {
      promptTokenCount: 7,
      candidatesTokenCount: 51,
      thoughtsTokenCount: 45,
      totalTokenCount: 103,
    },
    modelVersion: "gemini-2.5-flash",
    responseId: "qS77aMCqBu6mvr0PsJiykAw",
  },
  {
    candidates: [{ content: { parts: [{ text: "" }], role: "model" }, finishReason: "STOP", index: 0 }],
    usageMetadata: {
      promptTokenCount: 7,
      candidatesTokenCount: 153,
      thoughtsTokenCount: 45,
      totalTokenCount: 205,
    },
    modelVersion: "gemini-2.5-flash",
    responseId: "qS77aMCqBu6mvr0PsJiykAw",
  },
];

/** Google's serializer: a space after ':' but none after ','. */
function googleJson(value: unknown): string {
  return JSON.stringify(value).replace(/":/g, '": ');
}

function sse(chunks: unknown[], delimiter: string): string {
  return chunks.map((chunk) => `data: ${googleJson(chunk)}${delimiter}`).join("");
}

async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function collect(body: AsyncIterable<Uint8Array>) {
  const chunks: GeminiGenerateContentResponse[] = [];
  try {
    for await (const chunk of readGeminiStream(body)) chunks.push(chunk);
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error: error as UpstreamError };
  }
}

describe("readGeminiStream", () => {
  test.each([
    ["CRLF", "\r\n\r\n", 1],
    ["CRLF", "\r\n\r\n", 64],
    ["LF", "\n\n", 1],
    ["LF", "\n\n", 64],
    ["CR", "\r\r", 7],
  ])("reads %s-framed events (%j) fed in %i-byte pieces", async (_name, delimiter, size) => {
    const { chunks, error } = await collect(pieces(sse(CHUNKS, delimiter), size as number));
    expect(error).toBeUndefined();
    expect(chunks).toEqual(CHUNKS);
  });

  test("a data: error event after chunks becomes a stream error with Google's message", async () => {
    const text =
      sse(CHUNKS.slice(0, 2), "\r\n\r\n") +
      'data: {"error": {"code": 503,"message": "The model is overloaded.","status": "UNAVAILABLE"}}\r\n\r\n';
    const { chunks, error } = await collect(pieces(text, 64));
    expect(chunks).toHaveLength(2);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      kind: "stream",
      status: 503,
      googleStatus: "UNAVAILABLE",
      message: "The model is overloaded.",
    });
  });

  test("bare pretty-printed JSON error written into the stream is recognised", async () => {
    const bare = JSON.stringify(
      { error: { code: 500, message: "Internal error", status: "INTERNAL" } },
      null,
      2,
    );
    const { chunks, error } = await collect(pieces(`${sse(CHUNKS.slice(0, 1), "\r\n\r\n")}${bare}\n`, 5));
    expect(chunks).toHaveLength(1);
    expect(error).toMatchObject({ kind: "stream", status: 500, message: "Internal error" });
  });

  test("a connection that breaks mid-stream is an error, never a silent end", async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(sse(CHUNKS.slice(0, 2), "\r\n\r\n"));
      throw Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    }
    const { chunks, error } = await collect(broken());
    expect(chunks).toHaveLength(2);
    expect(error).toMatchObject({ kind: "stream" });
    expect(error?.message).toMatch(/interrupted: other side closed/);
  });

  test("a data line that is not JSON is an error event, not a crash", async () => {
    const { chunks, error } = await collect(
      pieces(`${sse(CHUNKS.slice(0, 1), "\n\n")}data: {not json\n\n`, 64),
    );
    expect(chunks).toHaveLength(1);
    expect(error?.message).toMatch(/unreadable stream event/);
  });

  test("an event split exactly inside a multi-byte character decodes intact", async () => {
    const text = sse([CHUNKS[1]], "\r\n\r\n");
    const { chunks } = await collect(pieces(text, 3));
    expect(chunks[0]?.candidates?.[0]?.content?.parts?.[0]?.text).toBe("The sky is blue é 漢字 🌈");
  });
});

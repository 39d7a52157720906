/**
 * Images, audio and files through real clients and the BUILT gateway: data URLs become `inlineData`;
 * an http(s) image is downloaded by the gateway, from a private address only when
 * ALLOW_PRIVATE_MEDIA_URLS says so.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText } from "ai";
import OpenAI from "openai";
import { reply } from "../fake-gemini/index.js";
import {
  ACCESS_TOKEN,
  type E2eEnvironment,
  generateRequests,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import { pngBase64 } from "../unit/translate/fixtures/client-requests.js";

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const png = Buffer.from(pngBase64, "base64");
/** The smallest PDF readers accept is longer; Gemini only needs the bytes and the type. */
const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
/** A WAV header with no samples. */
const wav = Buffer.from("UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=", "base64");

/** An image host on loopback; `/pixel` answers with a PNG sent as `application/octet-stream`. */
let imageHost: Server;
let imageUrl: string;

beforeAll(async () => {
  imageHost = createServer((request, response) => {
    if (request.url === "/pixel")
      response.writeHead(200, { "content-type": "application/octet-stream" }).end(png);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => imageHost.listen(0, "127.0.0.1", resolve));
  imageUrl = `http://127.0.0.1:${(imageHost.address() as AddressInfo).port}/pixel`;
});
afterAll(async () => {
  await new Promise((resolve) => imageHost.close(resolve));
});

function imageRequest(url: string) {
  return {
    model: "gemini-2.5-flash",
    messages: [
      {
        role: "user" as const,
        content: [
          { type: "text" as const, text: "What is in the image?" },
          { type: "image_url" as const, image_url: { url } },
        ],
      },
    ],
  };
}

describe("with ALLOW_PRIVATE_MEDIA_URLS=true", () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment({ env: { ALLOW_PRIVATE_MEDIA_URLS: "true" } });
  });
  afterAll(async () => {
    await env?.stop();
  });

  test("openai client: an http image URL is downloaded by the gateway and sent inline, its type sniffed", async () => {
    env.fake.enqueue(reply.text("A single pixel."));
    const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
    const completion = await client.chat.completions.create(imageRequest(imageUrl));
    expect(completion.choices[0]!.message.content).toBe("A single pixel.");
    expect(lastGeminiBody(env.fake).contents[0].parts[1]).toEqual({
      inlineData: { mimeType: "image/png", data: pngBase64 },
    });
  });

  test("openai client: an image URL that answers 404 is a 400 naming the URL, and nothing goes upstream", async () => {
    env.fake.reset();
    const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
    const missing = imageUrl.replace("/pixel", "/missing");
    const error = await client.chat.completions.create(imageRequest(missing)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain(missing);
    expect((error as Error).message).toMatch(/404/);
    expect(generateRequests(env.fake)).toHaveLength(0);
  });

  test("AI SDK: a PDF file part and a WAV audio part reach Gemini as inlineData with their types", async () => {
    env.fake.enqueue(reply.text("A blank page and silence."));
    const gateway = createOpenAICompatible({
      name: "gateway",
      baseURL: `${env.url}/v1`,
      apiKey: ACCESS_TOKEN,
    });
    const result = await generateText({
      model: gateway("gemini-2.5-flash"),
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe both." },
            { type: "file", data: pdf, mediaType: "application/pdf", filename: "blank.pdf" },
            { type: "file", data: wav, mediaType: "audio/wav" },
          ],
        },
      ],
      maxRetries: 0,
    });
    expect(result.text).toBe("A blank page and silence.");
    const parts = lastGeminiBody(env.fake).contents[0].parts;
    expect(parts.slice(1)).toEqual([
      { inlineData: { mimeType: "application/pdf", data: pdf.toString("base64") } },
      { inlineData: { mimeType: "audio/wav", data: wav.toString("base64") } },
    ]);
  });
});

describe("by default (private media URLs refused)", () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.stop();
  });

  test("openai client: a loopback image URL is refused with a 400 that says why, and nothing goes upstream", async () => {
    const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
    const error = await client.chat.completions.create(imageRequest(imageUrl)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain(imageUrl);
    expect((error as Error).message).toMatch(/private|loopback/i);
    expect(generateRequests(env.fake)).toHaveLength(0);
  });
});

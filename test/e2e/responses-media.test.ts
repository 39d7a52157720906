/**
 * Images by http(s) URL in Responses input, on the BUILT gateway: downloaded under the private-address
 * guard (an image on this machine is refused unless ALLOW_PRIVATE_MEDIA_URLS says so), within the
 * per-request media limits, also inside a tool's output (Codex's view_image).
 */
import OpenAI from "openai";
import {
  ACCESS_TOKEN,
  type E2eEnvironment,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import { type ImageHost, startImageHost } from "../support/image-host.js";

let host: ImageHost;
beforeAll(async () => {
  host = await startImageHost();
});
afterAll(async () => {
  await host?.close();
});

const imageInput = (url: string): OpenAI.Responses.ResponseInput => [
  {
    role: "user",
    content: [
      { type: "input_text", text: "What is this?" },
      { type: "input_image", image_url: url, detail: "auto" },
    ],
  },
];

describe("by default", () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.stop();
  });

  test("an image on this machine is refused with a 400 naming the URL, and Gemini is never asked", async () => {
    const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
    const url = `${host.url}/image/100/cat.png`;
    const error = await client.responses
      .create({ model: "gemini-2.5-flash", input: imageInput(url) })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: "invalid_request_error", code: "invalid_image_url" });
    expect(error.error.message).toContain(url);
    expect(host.requests).toBe(0);
    expect(env.fake.requests).toHaveLength(0);
  });
});

describe("with ALLOW_PRIVATE_MEDIA_URLS=true", () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment({ env: { ALLOW_PRIVATE_MEDIA_URLS: "true" } });
  });
  afterAll(async () => {
    await env?.stop();
  });

  test("an http image in a message and one in a tool's output reach Gemini inline", async () => {
    const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
    await client.responses.create({
      model: "gemini-2.5-flash",
      input: [
        ...imageInput(`${host.url}/image/64/first.png`),
        { type: "function_call", call_id: "call_view", name: "view_image", arguments: '{"path":"shot.png"}' },
        {
          type: "function_call_output",
          call_id: "call_view",
          output: [{ type: "input_image", image_url: `${host.url}/image/32/second.png` }],
        },
      ],
    });
    const contents = lastGeminiBody(env.fake).contents;
    expect(contents[0].parts[1]).toEqual({ inlineData: { mimeType: "image/png", data: expect.any(String) } });
    expect(Buffer.from(contents[0].parts[1].inlineData.data, "base64")).toHaveLength(64);
    expect(contents[2].parts).toEqual([
      { functionResponse: { name: "view_image", response: { output: "" } } },
      { inlineData: { mimeType: "image/png", data: expect.any(String) } },
    ]);
    expect(host.requests).toBe(2);
  });
});

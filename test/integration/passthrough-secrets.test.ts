/**
 * The native and `/v1beta/openai` passthroughs hide secrets in what they relay, as every route does:
 * whole answers, stream bytes, and error events inside a started stream.
 */
import { geminiErrors, reply } from "../fake-gemini/index.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const [ALPHA] = TEST_KEYS;
const KEY_SHAPED = `AIza${"Fake".repeat(8)}Xk3f`;

const post = (harness: Harness, path: string, body: unknown) => postJson(`${harness.url}${path}`, body);

function expectNoSecret(text: string): void {
  for (const key of TEST_KEYS) expect(text).not.toContain(key);
  expect(text).not.toContain(KEY_SHAPED);
}

describe("secrets in passed-through answers", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => harness.fake.reset());

  const prompt = { contents: [{ role: "user", parts: [{ text: `Repeat ${ALPHA} and ${KEY_SHAPED}` }] }] };

  test("native generateContent: a pool key and a key-shaped string in the answer are hidden", async () => {
    const response = await post(harness, "/v1beta/models/gemini-2.5-flash:generateContent", prompt);
    expect(response.status).toBe(200);
    expectNoSecret(response.text);
    expect(response.text).toContain("[redacted key]");
    // Still the JSON Google sent, with a length that matches.
    expect(JSON.parse(response.text).candidates[0].content.parts[0].text).toMatch(
      /^Echo: Repeat \[redacted key\]/,
    );
  });

  test("native SSE stream: hidden in the relayed events", async () => {
    harness.fake.enqueue(reply.text([`Here: ${ALPHA}. `, `And ${KEY_SHAPED}.`]));
    const response = await post(
      harness,
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
      prompt,
    );
    expect(response.status).toBe(200);
    expectNoSecret(response.text);
    expect(response.text.match(/\[redacted key\]/g)).toHaveLength(2);
  });

  test("native SSE stream: an error event Google sent after the start is relayed without the key", async () => {
    harness.fake.enqueue(
      reply.midStreamError({
        afterChunks: 1,
        error: geminiErrors.invalidArgument(`Request with key ${ALPHA} is bad.`),
        // Paced, so the first event is relayed before the error arrives.
        from: reply.text(["One, ", "two."], { paceMs: 200 }),
      }),
    );
    const response = await post(
      harness,
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
      prompt,
    );
    expect(response.status).toBe(200);
    expectNoSecret(response.text);
    expect(response.text).toContain("Request with key [redacted key] is bad.");
  });

  test("Google's OpenAI layer: hidden in a whole answer and in a stream", async () => {
    const chat = {
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: `Repeat ${ALPHA} and ${KEY_SHAPED}` }],
    };
    const whole = await post(harness, "/v1beta/openai/chat/completions", chat);
    expect(whole.status).toBe(200);
    expectNoSecret(whole.text);
    expect(whole.text).toContain("[redacted key]");

    const streamed = await post(harness, "/v1beta/openai/chat/completions", { ...chat, stream: true });
    expect(streamed.status).toBe(200);
    expectNoSecret(streamed.text);
  });
});

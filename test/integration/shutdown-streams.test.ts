/**
 * When SHUTDOWN_TIMEOUT_MS runs out, a stream still open ends with a last error event in its own
 * protocol's shape before its connection closes, so no client takes a cut answer for a whole one.
 */
import { reply } from "../fake-gemini/index.js";
import { type Harness, startHarness } from "../helpers/gateway-harness.js";

const SLOW = reply.text(
  Array.from({ length: 20 }, (_, index) => `piece ${index} `),
  { paceMs: 400 },
);

/** Starts a streaming POST and resolves with its whole body once the server ends it. */
async function openStream(harness: Harness, path: string, body: unknown) {
  const response = await fetch(`${harness.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  let text = "";
  // Wait for the first bytes, so the stream is open before the gateway is stopped.
  const first = await reader.read();
  text += decoder.decode(first.value, { stream: true });
  const rest = (async () => {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      text += decoder.decode(next.value, { stream: true });
    }
    return text;
  })();
  return { rest };
}

function lastDataEvent(text: string): unknown {
  const events = text
    .split(/\r?\n\r?\n/)
    .map((block) => block.trim())
    .filter((block) => block.startsWith("data: "));
  return JSON.parse(events.at(-1)?.slice("data: ".length) ?? "null");
}

describe("shutdown with streams still open", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ env: { SHUTDOWN_TIMEOUT_MS: "300" } });
  });
  afterEach(async () => {
    await harness.stop();
  });

  test("an OpenAI chat stream ends with OpenAI's error event, never [DONE]", async () => {
    harness.fake.enqueue(SLOW);
    const stream = await openStream(harness, "/v1/chat/completions", {
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "Count slowly" }],
      stream: true,
    });
    await harness.running.stop();
    const text = await stream.rest;
    expect(text).not.toContain("[DONE]");
    expect(lastDataEvent(text)).toEqual({
      error: {
        message: expect.stringMatching(/shutting down/),
        type: "server_error",
        code: "server_shutting_down",
        param: null,
      },
    });
  });

  test("a native Gemini stream ends with an error event in Gemini's shape", async () => {
    harness.fake.enqueue(SLOW);
    const stream = await openStream(
      harness,
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
      {
        contents: [{ role: "user", parts: [{ text: "Count slowly" }] }],
      },
    );
    await harness.running.stop();
    const text = await stream.rest;
    expect(lastDataEvent(text)).toEqual({
      error: { code: 502, message: expect.stringMatching(/shutting down/), status: "UNAVAILABLE" },
    });
  });
});

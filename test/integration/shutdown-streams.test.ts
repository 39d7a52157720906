/**
 * When SHUTDOWN_TIMEOUT_MS runs out, a stream still open ends with a last error event in its own
 * protocol's shape before its connection closes, so no client takes a cut answer for a whole one.
 */
import { reply } from "../fake-gemini/index.js";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { open } from "../support/http.js";
import { parseSse } from "../support/sse.js";

const SLOW = reply.text(
  Array.from({ length: 20 }, (_, index) => `piece ${index} `),
  { paceMs: 400 },
);

/** Starts a streaming POST; resolves once its first bytes arrived, with the rest still to come. */
async function openStream(harness: Harness, path: string, body: unknown) {
  const { response } = await open(`${harness.url}${path}`, { method: "POST", body, token: null });
  expect(response.status).toBe(200);
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  // The stream is open (its first event arrived) before the gateway is stopped.
  let text = decoder.decode((await reader.read()).value, { stream: true });
  const rest = (async () => {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      text += decoder.decode(next.value, { stream: true });
    }
    return text;
  })();
  return { rest };
}

/** The JSON of the last `data:` event of a stream. */
function lastDataEvent(text: string): unknown {
  return parseSse(text).events.at(-1)?.json;
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
      error: { code: 503, message: expect.stringMatching(/shutting down/), status: "UNAVAILABLE" },
    });
  });
});

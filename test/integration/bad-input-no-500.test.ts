/**
 * Inputs that once answered 500: JSON nested thousands of levels deep (in a tool schema, in tool-call
 * arguments) is the client's 400 in OpenAI's envelope, and the gateway keeps serving; a data: URL with
 * broken percent-encoding is decoded as browsers decode it.
 */
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const DEPTH = 5_000;

/** `{"a":{"a":…{}…}}`, `depth` levels. */
function nestedObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}{}${"}".repeat(depth)}`;
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.stop();
});
beforeEach(() => harness.fake.reset());

async function expectClientError(body: string, code: string) {
  const response = await postJson(`${harness.url}/v1/chat/completions`, body);
  expect(response.status).toBe(400);
  expect(response.json.error).toMatchObject({ type: "invalid_request_error", code });
  expect(harness.fake.requests).toHaveLength(0);
  const healthy = await postJson(`${harness.url}/v1/chat/completions`, {
    model: "gemini-2.5-flash",
    messages: [{ role: "user", content: "still there?" }],
  });
  expect(healthy.status).toBe(200);
}

test(`a tool schema nested ${DEPTH} levels deep is a 400`, async () => {
  const body = `{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"deep","parameters":{"type":"object","properties":{"x":${nestedObject(DEPTH)}}}}}]}`;
  await expectClientError(body, "json_too_deep");
});

test(`a response_format schema nested ${DEPTH} levels deep is a 400`, async () => {
  const body = `{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"deep","schema":${nestedObject(DEPTH)}}}}`;
  await expectClientError(body, "json_too_deep");
});

test(`arrays nested ${DEPTH} levels deep in a message are a 400`, async () => {
  const body = `{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi","extra":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}}]}`;
  await expectClientError(body, "json_too_deep");
});

test(`tool-call arguments nested ${DEPTH} levels deep are a 400`, async () => {
  const body = JSON.stringify({
    model: "gemini-2.5-flash",
    messages: [
      { role: "user", content: "call it" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "deep", arguments: nestedObject(DEPTH) } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "done" },
    ],
    tools: [{ type: "function", function: { name: "deep", parameters: { type: "object" } } }],
  });
  const response = await postJson(`${harness.url}/v1/chat/completions`, body);
  expect(response.status).toBe(400);
  expect(response.json.error.type).toBe("invalid_request_error");
});

test("strings holding brackets do not count as nesting", async () => {
  const response = await postJson(`${harness.url}/v1/chat/completions`, {
    model: "gemini-2.5-flash",
    messages: [{ role: "user", content: `${"[{".repeat(DEPTH)} and an escaped quote \\" then {{{` }],
  });
  expect(response.status).toBe(200);
});

test("a data: URL with broken percent-encoding is read as browsers read it: a stray % stays", async () => {
  const response = await postJson(`${harness.url}/v1/chat/completions`, {
    model: "gemini-2.5-flash",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "read this" },
          {
            type: "image_url",
            image_url: { url: "data:text/plain,100%25 sure %zz broken %E0%A4%41%zz%41 %A" },
          },
        ],
      },
    ],
  });
  expect(response.status).toBe(200);
  const sent = harness.fake.requests[0]?.body as any;
  const file = sent.contents[0].parts.find((part: any) => part.inlineData);
  expect(Buffer.from(file.inlineData.data, "base64")).toEqual(
    Buffer.concat([Buffer.from("100% sure %zz broken "), Buffer.from([0xe0, 0xa4]), Buffer.from("A%zzA %A")]),
  );
});

test("a percent-encoded data: URL of binary bytes reaches Gemini as those bytes", async () => {
  const response = await postJson(`${harness.url}/v1/chat/completions`, {
    model: "gemini-2.5-flash",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "image_url", image_url: { url: "data:image/png,%89PNG%0D%0A%1A%0A" } },
        ],
      },
    ],
  });
  expect(response.status).toBe(200);
  const sent = harness.fake.requests[0]?.body as any;
  const image = sent.contents[0].parts.find((part: any) => part.inlineData);
  expect(Buffer.from(image.inlineData.data, "base64")).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
});

test(`a tool result nested ${DEPTH} levels deep is a 400`, async () => {
  const body = JSON.stringify({
    model: "gemini-2.5-flash",
    messages: [
      { role: "user", content: "call it" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "deep", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_1", content: nestedObject(DEPTH) },
    ],
    tools: [{ type: "function", function: { name: "deep", parameters: { type: "object" } } }],
  });
  await expectClientError(body, "json_too_deep");
});

import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const URL_PATH = "/v1/chat/completions";

function expectOpenAIError(json: unknown, type: string) {
  const error = (json as { error: Record<string, unknown> }).error;
  expect(Object.keys(error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(error.type).toBe(type);
  expect(typeof error.message).toBe("string");
  expect((json as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
}

describe("bad input gets a clear 4xx in OpenAI's shape and the server stays healthy", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { BODY_LIMIT: "1mb" } });
  });
  afterAll(async () => {
    await harness.stop();
  });
  afterEach(async () => {
    const health = await fetch(`${harness.url}/health`);
    expect(health.status).toBe(200);
  });

  test("a body that is not JSON", async () => {
    const response = await postJson(`${harness.url}${URL_PATH}`, "{not json");
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, "invalid_request_error");
    expect(response.json.error.code).toBe("invalid_json");
  });

  test.each([
    ["no body at all", {}, "model"],
    ["model missing", { messages: [{ role: "user", content: "hi" }] }, "model"],
    ["model of the wrong type", { model: 42, messages: [{ role: "user", content: "hi" }] }, "model"],
    ["messages missing", { model: "gemini-2.5-flash" }, "messages"],
    ["messages not an array", { model: "gemini-2.5-flash", messages: "hi" }, "messages"],
    [
      "an unknown role",
      { model: "gemini-2.5-flash", messages: [{ role: "wizard", content: "hi" }] },
      "messages[0].role",
    ],
    [
      "temperature of the wrong type",
      { model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }], temperature: "hot" },
      "temperature",
    ],
  ])("%s → 400 naming the field", async (_name, body, param) => {
    const response = await postJson(`${harness.url}${URL_PATH}`, body);
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, "invalid_request_error");
    expect(response.json.error.param).toBe(param);
    expect(response.json.error.message).toContain(param.replace(/\[\d+\]\..*/, ""));
  });

  test("a JSON array instead of an object", async () => {
    const response = await postJson(`${harness.url}${URL_PATH}`, "[1,2,3]");
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, "invalid_request_error");
  });

  test("a body beyond BODY_LIMIT is 413", async () => {
    const response = await postJson(`${harness.url}${URL_PATH}`, {
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "x".repeat(2 * 1024 * 1024) }],
    });
    expect(response.status).toBe(413);
    expectOpenAIError(response.json, "invalid_request_error");
  });

  test("an unknown route is a 404 in OpenAI's shape", async () => {
    const response = await postJson(`${harness.url}/v1/completions/nope`, {});
    expect(response.status).toBe(404);
    expectOpenAIError(response.json, "not_found_error");
  });

  test("the responses carry an x-request-id", async () => {
    const response = await postJson(
      `${harness.url}${URL_PATH}`,
      {},
      { "x-request-id": "client-chosen-id-123" },
    );
    expect(response.headers.get("x-request-id")).toBe("client-chosen-id-123");
    const other = await postJson(`${harness.url}${URL_PATH}`, {}, { "x-request-id": "bad id with spaces" });
    expect(other.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/**
 * Model ids a client invents are checked before any upstream call: a path that would climb out of
 * `/v1beta/models/` never reaches Google with a pool key, and an absurd name is a clear 400.
 */
import { request as httpRequest } from "node:http";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

/** A GET sent byte for byte as given (fetch would normalize `..` away before sending). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method: "GET", path }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("model ids", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => harness.fake.reset());

  test.each([
    ["/v1beta/models/..", "Gemini's envelope"],
    ["/v1beta/models/.", "Gemini's envelope"],
    ["/v1beta/models/%2e%2e", "Gemini's envelope"],
    ["/v1/models/%2e%2e", "OpenAI's envelope"],
    ["/v1/models/..%2f..%2fv1beta", "OpenAI's envelope"],
    ["/v1beta/openai/models/%2e%2e", "OpenAI's envelope"],
  ])("GET %s is a 400 in %s and never reaches upstream", async (path, envelope) => {
    const response = await rawGet(harness.url, path);
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body) as { error: Record<string, unknown> };
    if (envelope === "Gemini's envelope")
      expect(body.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    else expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_model" });
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("a native POST with a model that is a path is a 400 before any upstream call", async () => {
    const response = await postJson(`${harness.url}/v1beta/models/..%2F..%2Fv1beta:generateContent`, {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
    });
    expect(response.status).toBe(400);
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("a 1 MB model name is a short 400, and the log line stays short", async () => {
    const name = `gemini-${"x".repeat(1024 * 1024)}`;
    const response = await postJson(`${harness.url}/v1/chat/completions`, {
      model: name,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ type: "invalid_request_error", param: "model" });
    expect(response.text.length).toBeLessThan(1000);
    expect(harness.fake.requests).toHaveLength(0);
    expect(Math.max(...harness.logs.map((line) => line.length))).toBeLessThan(2000);
  });

  test("models/ prefixes are accepted everywhere and stripped in answers", async () => {
    const response = await postJson(`${harness.url}/v1/chat/completions`, {
      model: "models/gemini-2.5-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    expect(response.json.model).toBe("gemini-2.5-flash");
    expect(harness.fake.requests[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
  });
});

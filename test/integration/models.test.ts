import { geminiErrors } from "../fake-gemini/errors.js";
import { reply } from "../fake-gemini/replies.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";

describe("GET /v1/models", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ fake: { defaultPageSize: 3 } });
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("lists every upstream page, ids without models/", async () => {
    const response = await fetch(`${harness.url}/v1/models`, { headers: { authorization: "Bearer test" } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      data: Array<{ id: string; object: string; owned_by: string; created: number }>;
    };
    expect(body.object).toBe("list");
    const ids = body.data.map((model) => model.id);
    // The fake serves three models per page; the embedding models sit on a later page.
    expect(ids).toEqual(
      expect.arrayContaining([
        "gemini-2.5-pro",
        "gemini-2.5-flash",
        "gemini-3-pro-preview",
        "gemini-embedding-001",
      ]),
    );
    expect(ids.length).toBeGreaterThan(3);
    expect(ids.every((id) => !id.startsWith("models/"))).toBe(true);
    expect(body.data[0]).toEqual({
      id: body.data[0]?.id,
      object: "model",
      created: expect.any(Number),
      owned_by: "google",
    });
    expect(harness.fake.counts({ action: "listModels" })).not.toEqual({});
  });

  test("a doubled slash is the same route", async () => {
    const single = await (await fetch(`${harness.url}/v1/models`)).json();
    const doubled = await fetch(`${harness.url}/v1//models`);
    expect(doubled.status).toBe(200);
    expect(await doubled.json()).toEqual(single);
  });

  test("one model by id", async () => {
    const response = await fetch(`${harness.url}/v1/models/gemini-2.5-flash`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: "gemini-2.5-flash",
      object: "model",
      owned_by: "google",
    });
  });

  test("an unknown model is a 404 in OpenAI's shape", async () => {
    const response = await fetch(`${harness.url}/v1/models/gemini-9-ultra`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { type: "not_found_error", param: null } });
  });

  test("a key failing on the model list moves to the next key", async () => {
    harness.fake.setKeyBehavior(TEST_KEYS[0], geminiErrors.internal());
    harness.fake.setKeyBehavior(TEST_KEYS[1], geminiErrors.internal());
    harness.fake.setKeyBehavior(TEST_KEYS[2], geminiErrors.internal());
    harness.fake.setKeyBehavior(TEST_KEYS[2], null);
    const response = await fetch(`${harness.url}/v1/models`);
    expect(response.status).toBe(200);
    harness.fake.setKeyBehavior(TEST_KEYS[0], null);
    harness.fake.setKeyBehavior(TEST_KEYS[1], null);
  });

  test("a model list whose body breaks mid-read moves to the next key, for every page and for one model", async () => {
    harness.fake.reset();
    harness.fake.enqueue(reply.brokenBody(), { action: "listModels" });
    const list = await fetch(`${harness.url}/v1/models`);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: unknown[] }).data.length).toBeGreaterThan(3);

    harness.fake.enqueue(reply.brokenBody(), { action: "getModel" });
    const one = await fetch(`${harness.url}/v1/models/gemini-2.5-flash`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: "gemini-2.5-flash" });

    // The broken attempt was answered by the fake with a 200 that broke, and another key finished the job.
    const keysAsked = harness.fake.requests
      .filter((request) => request.action === "getModel")
      .map((request) => request.key);
    expect(new Set(keysAsked).size).toBe(2);
    expect(harness.fake.pendingScripts()).toBe(0);
  });
});

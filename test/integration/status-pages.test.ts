/**
 * `/status` for large pools: the whole list as the contract says, served again while nothing changes,
 * and pages of it by state with a cursor; bad parameters are a 400.
 */
import { geminiErrors } from "../fake-gemini/errors.js";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson, request } from "../support/http.js";

const KEYS = Array.from({ length: 25 }, (_, index) => `fake-key-status-${String(index).padStart(4, "0")}`);

interface StatusBody {
  timestamp: string;
  totalKeys: number;
  availableKeys: number;
  states: { active: number; cooling: number; disabled: number };
  keys: Array<{ id: string; key: string; state: string; requests: number }>;
  nextCursor?: string;
}

describe("/status pages", () => {
  let harness: Harness;
  let clock = Date.parse("2026-07-01T12:00:00Z");

  beforeAll(async () => {
    harness = await startHarness({ keys: KEYS, now: () => clock });
  });
  afterAll(async () => {
    await harness.stop();
  });

  const status = async (query = "") => {
    const answer = await request(`${harness.url}/status${query}`);
    expect(answer.status).toBe(200);
    return answer.json as StatusBody;
  };

  /** Every page of `query`, following nextCursor. */
  async function allPages(query: string): Promise<{ pages: StatusBody[]; ids: string[] }> {
    const pages: StatusBody[] = [];
    let cursor: string | undefined;
    do {
      const page = await status(`?${query}${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 50);
    return { pages, ids: pages.flatMap((page) => page.keys.map((key) => key.id)) };
  }

  test("without parameters every key is listed, with the counts of each state", async () => {
    const answer = await request(`${harness.url}/status`);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = await status();
    expect(body.totalKeys).toBe(25);
    expect(body.keys).toHaveLength(25);
    expect(body.states).toEqual({ active: 25, cooling: 0, disabled: 0 });
    expect(body.nextCursor).toBeUndefined();
  });

  test("limit and cursor walk every key once, in a stable order, each page at most limit long", async () => {
    const { pages, ids } = await allPages("limit=10");
    expect(pages.map((page) => page.keys.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
    expect(new Set(ids).size).toBe(25);
    expect(ids).toEqual([...ids].sort());
    expect((await allPages("limit=10")).ids).toEqual(ids);
    for (const page of pages) expect(page.totalKeys).toBe(25);
  });

  test("a key disabled or resting shows at once, whole list and filtered pages alike", async () => {
    const before = await status();
    const [first, second, third] = before.keys;
    for (const key of [first, second]) {
      const answer = await request(`${harness.url}/admin/keys/${key?.id}/disable`, { method: "POST" });
      expect(answer.status).toBe(200);
    }
    harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "30s" }));
    const chat = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat)).status).toBe(200);

    const after = await status();
    expect(after.states).toEqual({ active: 22, cooling: 1, disabled: 2 });
    expect(after.keys.filter((key) => key.state === "disabled").map((key) => key.id)).toEqual([
      first?.id,
      second?.id,
    ]);
    expect(after.keys.find((key) => key.id === third?.id)?.state).toBe("cooling");

    const disabled = await allPages("state=disabled&limit=1");
    expect(disabled.ids.sort()).toEqual([first?.id, second?.id].sort());
    expect(disabled.pages).toHaveLength(2);
    expect((await status("?state=cooling")).keys.map((key) => key.id)).toEqual([third?.id]);
    const active = await allPages("state=active&limit=7");
    expect(active.ids).toHaveLength(22);
    expect(active.pages[0]?.states).toEqual({ active: 22, cooling: 1, disabled: 2 });

    // The rest ends with time alone: the whole list says so without anything else changing.
    clock += 31_000;
    expect((await status()).states).toEqual({ active: 23, cooling: 0, disabled: 2 });
  });

  test("successes are counted in the whole list within a second", async () => {
    const before = await status();
    const total = (body: StatusBody) => body.keys.reduce((sum, key) => sum + key.requests, 0);
    const chat = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat)).status).toBe(200);
    clock += 1_000;
    expect(total(await status())).toBe(total(before) + 1);
    expect(total(await status("?limit=1000"))).toBe(total(before) + 1);
  });

  test.each([
    ["state=resting", "state"],
    ["state=", "state"],
    ["state=active&state=disabled", "state"],
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=ten", "limit"],
    ["limit=2.5", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${Buffer.from("fake-key-status-0001").toString("base64url")}`, "cursor"],
  ])("?%s is a 400 naming %s, in the gateway's error shape", async (query, param) => {
    const answer = await request(`${harness.url}/status?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: expect.objectContaining({ type: "invalid_request_error", param, message: expect.any(String) }),
    });
    expect(answer.text).not.toContain("fake-key-status");
  });
});

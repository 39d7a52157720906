/**
 * Two replicas sharing one real redis-server: each one's console shows the same usage history and
 * labels, a console login on one replica is known to the other (behind a load balancer), and a client
 * token changed on one is pushed on the other's live feed.
 */
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson, request } from "../support/http.js";
import { eventually } from "../support/poll.js";
import { describeWithRedis, type RunningRedis, startRedis } from "../support/redis-server.js";
import { followSse } from "../support/sse.js";

const chat = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };

async function totalRequests(harness: Harness, by = "none"): Promise<number> {
  const answer = await request(`${harness.url}/admin/history?by=${by}`, { token: "admin-secret" });
  const buckets = (answer.json as { buckets: Array<{ requests: number }> }).buckets;
  return buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
}

describeWithRedis("the console with two replicas sharing Redis", () => {
  let redis: RunningRedis;
  let fake: FakeGemini;
  let replicaA: Harness;
  let replicaB: Harness;

  beforeEach(async () => {
    redis = await startRedis();
    fake = await startFakeGemini({ keys: [...TEST_KEYS] });
    const env = { REDIS_URL: redis.url, ADMIN_TOKEN: "admin-secret" };
    replicaA = await startHarness({ existingFake: fake, env });
    replicaB = await startHarness({ existingFake: fake, env });
  });

  afterEach(async () => {
    await replicaA?.stop();
    await replicaB?.stop();
    await fake?.close();
    await redis?.stop();
  });

  test("requests served by either replica add up in both replicas' history and today's counters", async () => {
    for (let index = 0; index < 2; index++) {
      expect((await postJson(`${replicaA.url}/v1/chat/completions`, chat)).status).toBe(200);
    }
    expect((await postJson(`${replicaB.url}/v1/chat/completions`, chat)).status).toBe(200);
    await eventually(async () => {
      expect(await totalRequests(replicaA)).toBe(3);
      expect(await totalRequests(replicaB)).toBe(3);
      expect(await totalRequests(replicaB, "key")).toBe(3);
    });
    const keys = (await request(`${replicaB.url}/admin/keys`, { token: "admin-secret" })).json as {
      keys: Array<{ today: { requests: number } }>;
    };
    expect(keys.keys.reduce((sum, key) => sum + key.today.requests, 0)).toBe(3);
    // Each replica logs what it served.
    const logA = (await request(`${replicaA.url}/admin/requests`, { token: "admin-secret" })).json as {
      rows: unknown[];
    };
    expect(logA.rows).toHaveLength(2);
  });

  test("a label set on one replica shows on the other; a console session opened on one opens the other", async () => {
    const keys = (await request(`${replicaA.url}/admin/keys`, { token: "admin-secret" })).json as {
      keys: Array<{ id: string }>;
    };
    const id = keys.keys[0]?.id ?? "";
    const patched = await request(`${replicaA.url}/admin/keys/${id}`, {
      method: "PATCH",
      body: { label: "shared" },
      token: "admin-secret",
    });
    expect(patched.status).toBe(200);
    await eventually(async () => {
      const onB = (await request(`${replicaB.url}/admin/keys?label=shared`, { token: "admin-secret" }))
        .json as {
        keys: Array<{ id: string }>;
      };
      expect(onB.keys.map((key) => key.id)).toEqual([id]);
    });

    const login = await postJson(
      `${replicaA.url}/console/api/login`,
      { token: "admin-secret" },
      {},
      { token: null },
    );
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const session = await request(`${replicaB.url}/console/api/session`, {
      token: null,
      headers: { cookie },
    });
    expect(session.json).toMatchObject({ authenticated: true, tokenRequired: true });
    expect((await request(`${replicaB.url}/admin/keys`, { token: null, headers: { cookie } })).status).toBe(
      200,
    );
  });

  test("a token created or revoked on one replica is pushed on the other's live feed, and its console lists it", async () => {
    const feedOfB = await followSse(`${replicaB.url}/admin/events`, { token: "admin-secret" });
    const tokenEvents = () => feedOfB.events.filter((event) => event.event === "tokens");
    try {
      await eventually(() => expect(feedOfB.events[0]?.event).toBe("pool"));
      const created = await request(`${replicaA.url}/admin/tokens`, {
        body: { name: "shared-team" },
        token: "admin-secret",
      });
      expect(created.status).toBe(201);
      await eventually(() => expect(tokenEvents()).toHaveLength(1));
      const listed = (await request(`${replicaB.url}/admin/tokens`, { token: "admin-secret" })).json as {
        tokens: Array<{ name: string; state: string }>;
      };
      expect(listed.tokens).toEqual([expect.objectContaining({ name: "shared-team", state: "active" })]);

      const revoked = await request(`${replicaA.url}/admin/tokens/shared-team/revoke`, {
        method: "POST",
        token: "admin-secret",
      });
      expect(revoked.status).toBe(200);
      await eventually(() => expect(tokenEvents()).toHaveLength(2));
      const after = (await request(`${replicaB.url}/admin/tokens/shared-team`, { token: "admin-secret" }))
        .json;
      expect(after.state).toBe("revoked");
      expect(feedOfB.text).not.toContain(created.json.secret);
    } finally {
      await feedOfB.stop();
    }
  });
});

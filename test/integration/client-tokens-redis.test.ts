/**
 * Client tokens with two replicas of the built server on one real redis-server: a token created on one
 * replica works on the other, its limits count requests served by either, a revocation holds on both,
 * usage adds up across them, and Redis holds only the secret's hash.
 */
import { Redis } from "ioredis";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { E2E_KEYS } from "../support/e2e-environment.js";
import { request } from "../support/http.js";
import { eventually } from "../support/poll.js";
import { describeWithRedis, type RunningRedis, startRedis } from "../support/redis-server.js";

const ADMIN = { token: "admin-secret" } as const;
const chat = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };

describeWithRedis("client tokens with two replicas sharing Redis", () => {
  let redis: RunningRedis;
  let fake: FakeGemini;
  let replicaA: BuiltServer;
  let replicaB: BuiltServer;

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeGemini({ keys: E2E_KEYS });
    const options = {
      geminiBaseUrl: fake.url,
      keys: E2E_KEYS,
      env: { REDIS_URL: redis.url, ADMIN_TOKEN: "admin-secret" },
    };
    replicaA = await startBuiltServer(options);
    replicaB = await startBuiltServer(options);
  });
  afterAll(async () => {
    await replicaA?.stop();
    await replicaB?.stop();
    await fake?.close();
    await redis?.stop();
  });

  test("limits count requests served by either replica; a revocation on one holds on the other", async () => {
    const created = await request(`${replicaA.url}/admin/tokens`, {
      ...ADMIN,
      body: { name: "shared", limits: { requestsPerMinute: 3, requestsPerDay: 100 } },
    });
    expect(created.status).toBe(201);
    const secret = created.json.secret as string;

    // Replica B hears of the new token through Redis.
    await eventually(async () => {
      expect((await request(`${replicaB.url}/admin/tokens/shared`, ADMIN)).status).toBe(200);
    });
    const send = (replica: BuiltServer) =>
      request(`${replica.url}/v1/chat/completions`, { body: chat, token: secret });
    expect((await send(replicaA)).status).toBe(200);
    expect((await send(replicaB)).status).toBe(200);
    expect((await send(replicaA)).status).toBe(200);
    const refusedOnB = await send(replicaB);
    expect(refusedOnB.status).toBe(429);
    expect(refusedOnB.json.error.message).toContain("3 requests per minute");
    expect((await send(replicaA)).status).toBe(429);

    await eventually(async () => {
      const usage = await request(`${replicaB.url}/admin/tokens/usage?token=shared`, ADMIN);
      expect(usage.json.totals).toEqual([
        expect.objectContaining({ token: "shared", requests: 3, refused: 2 }),
      ]);
    });

    const revoked = await request(`${replicaA.url}/admin/tokens/shared/revoke`, { ...ADMIN, method: "POST" });
    expect(revoked.json.state).toBe("revoked");
    await eventually(async () => {
      const answer = await send(replicaB);
      expect(answer.status).toBe(401);
      expect(answer.json.error.message).toContain("was revoked");
    });

    const client = new Redis(redis.url);
    try {
      const stored = await client.hgetall("gemini-rotator:client-tokens");
      expect(Object.keys(stored)).toEqual(["shared"]);
      expect(stored.shared).toMatch(/"secretHash":"sha256:[0-9a-f]{64}"/);
      for (const key of await client.keys("*")) {
        const type = await client.type(key);
        const values =
          type === "hash"
            ? Object.values(await client.hgetall(key))
            : type === "string"
              ? [await client.get(key)]
              : [];
        for (const value of values) expect(String(value)).not.toContain(secret.slice(4));
        expect(key).not.toContain(secret.slice(4));
      }
    } finally {
      client.disconnect();
    }
  });
});

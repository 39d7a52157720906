import { geminiErrors } from "../fake-gemini/errors.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { eventually } from "../support/poll.js";
import { describeWithRedis, type RunningRedis, startRedis } from "../support/redis-server.js";

const [ALPHA, BRAVO] = TEST_KEYS;
const chat = (model: string) => ({ model, messages: [{ role: "user", content: "Say hi" }] });

interface StatusKey {
  id: string;
  state: string;
  cooldowns: Array<{ model: string }>;
}

async function keysOf(harness: Harness): Promise<StatusKey[]> {
  return ((await (await fetch(`${harness.url}/status`)).json()) as { keys: StatusKey[] }).keys;
}

describeWithRedis("several replicas sharing key state through Redis", () => {
  let redis: RunningRedis;
  let fake: FakeGemini;
  let replicaA: Harness;
  let replicaB: Harness;

  beforeEach(async () => {
    redis = await startRedis();
    fake = await startFakeGemini({ keys: [...TEST_KEYS, "fake-key-echo-0005"] });
    const env = { REDIS_URL: redis.url };
    replicaA = await startHarness({ existingFake: fake, env });
    replicaB = await startHarness({ existingFake: fake, env });
  });

  afterEach(async () => {
    await replicaA?.stop();
    await replicaB?.stop();
    await fake?.close();
    await redis?.stop();
  });

  test("a key rate limited on one replica rests on every replica", async () => {
    fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "60s" }), {
      key: ALPHA,
    });
    expect((await postJson(`${replicaA.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(
      200,
    );
    await eventually(async () => {
      const alpha = (await keysOf(replicaB))[0];
      expect(alpha?.state).toBe("cooling");
      expect(alpha?.cooldowns.map((cooldown) => cooldown.model)).toEqual(["gemini-2.5-flash"]);
    });
    const before = fake.counts({ action: "generateContent" })[ALPHA] ?? 0;
    for (let index = 0; index < 4; index++) {
      expect((await postJson(`${replicaB.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(
        200,
      );
    }
    expect(fake.counts({ action: "generateContent" })[ALPHA] ?? 0).toBe(before);
  });

  test("a key found invalid on one replica is disabled on the other", async () => {
    fake.setKeyBehavior(BRAVO, geminiErrors.invalidKey());
    for (let index = 0; index < 2; index++)
      await postJson(`${replicaB.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    await eventually(async () => {
      expect((await keysOf(replicaA))[1]?.state).toBe("disabled");
    });
  });

  test("keys added and removed at runtime reach every replica", async () => {
    expect((await postJson(`${replicaA.url}/admin/keys`, { key: "fake-key-echo-0005" })).status).toBe(201);
    await eventually(async () => {
      expect(await keysOf(replicaB)).toHaveLength(4);
    });
    const alphaId = (await keysOf(replicaB))[0]?.id ?? "";
    expect((await fetch(`${replicaB.url}/admin/keys/${alphaId}`, { method: "DELETE" })).status).toBe(200);
    await eventually(async () => {
      expect((await keysOf(replicaA)).map((key) => key.id)).not.toContain(alphaId);
    });
  });

  test("a replica that starts later reads the shared state", async () => {
    fake.enqueue(geminiErrors.quotaPerDay({ model: "gemini-2.5-pro" }), { key: ALPHA });
    expect((await postJson(`${replicaA.url}/v1/chat/completions`, chat("gemini-2.5-pro"))).status).toBe(200);
    await replicaA.running.gateway.store.flush();
    const replicaC = await startHarness({ existingFake: fake, env: { REDIS_URL: redis.url } });
    try {
      expect((await keysOf(replicaC))[0]?.cooldowns.map((cooldown) => cooldown.model)).toEqual([
        "gemini-2.5-pro",
      ]);
    } finally {
      await replicaC.stop();
    }
  });

  test("a thought signature learnt by one replica is re-attached by another", async () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "read_file",
          parameters: { type: "object", properties: { path: { type: "string" } } },
        },
      },
    ];
    fake.enqueue({ kind: "functionCalls", calls: [{ name: "read_file", args: { path: "a.ts" } }] });
    const first = await postJson(`${replicaA.url}/v1/chat/completions`, {
      model: "gemini-3-pro-preview",
      messages: [{ role: "user", content: "Read a.ts" }],
      tools,
    });
    expect(first.status).toBe(200);
    const call = first.json.choices[0].message.tool_calls[0];
    const signature = call.extra_content.google.thought_signature;
    expect(signature).toEqual(expect.any(String));

    // The client (like Cline 3 or Roo Code) drops extra_content and talks to the other replica.
    const second = await postJson(`${replicaB.url}/v1/chat/completions`, {
      model: "gemini-3-pro-preview",
      messages: [
        { role: "user", content: "Read a.ts" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: call.id, type: "function", function: call.function }],
        },
        { role: "tool", tool_call_id: call.id, content: "export const a = 1" },
      ],
      tools,
    });
    expect(second.status).toBe(200);
    const sent = fake.requests.at(-1)?.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> };
    const functionCallPart = sent.contents
      .flatMap((content) => content.parts)
      .find((part) => part.functionCall);
    expect(functionCallPart?.thoughtSignature).toBe(signature);
  });
});

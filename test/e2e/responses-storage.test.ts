/**
 * Stored Responses where users keep them, on BUILT gateways: in the database, across a restart; and in
 * Redis, where a conversation begun on one replica continues on another.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { ACCESS_TOKEN, E2E_KEYS, lastGeminiBody } from "../support/e2e-environment.js";
import { describeWithRedis, type RunningRedis, startRedis } from "../support/redis-server.js";

let fake: FakeGemini;
const servers: BuiltServer[] = [];

const start = async (env: Record<string, string> = {}, folder?: string) => {
  const server = await startBuiltServer({
    geminiBaseUrl: fake.url,
    keys: E2E_KEYS,
    env: { ACCESS_TOKEN, ...env },
    ...(folder === undefined ? {} : { folder }),
  });
  servers.push(server);
  return server;
};
const clientOf = (server: BuiltServer) =>
  new OpenAI({ baseURL: `${server.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });

beforeAll(async () => {
  fake = await startFakeGemini({ keys: E2E_KEYS });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  fake.reset();
});
afterAll(async () => {
  await fake?.close();
});

test("a stored response survives a restart: retrieved, and continued with previous_response_id", async () => {
  const folder = await mkdtemp(join(tmpdir(), "responses-restart-"));
  try {
    const first = await clientOf(await start({}, folder)).responses.create({
      model: "gemini-2.5-flash",
      input: "Remember the word lantern.",
    });
    await servers.pop()?.stop();

    const client = clientOf(await start({}, folder));
    await expect(client.responses.retrieve(first.id)).resolves.toMatchObject({
      id: first.id,
      status: "completed",
    });
    await client.responses.create({
      model: "gemini-2.5-flash",
      input: "Which word?",
      previous_response_id: first.id,
    });
    expect(lastGeminiBody(fake).contents[0]).toEqual({
      role: "user",
      parts: [{ text: "Remember the word lantern." }],
    });
  } finally {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    await rm(folder, { recursive: true, force: true });
  }
});

describeWithRedis("replicas sharing Redis", () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("a conversation begun on one replica continues on another", async () => {
    const [replicaA, replicaB] = await Promise.all([
      start({ REDIS_URL: redis.url }),
      start({ REDIS_URL: redis.url }),
    ]);
    if (replicaA === undefined || replicaB === undefined) throw new Error("replicas did not start");
    const first = await clientOf(replicaA).responses.create({
      model: "gemini-2.5-flash",
      input: "My name is Ada.",
    });
    const second = await clientOf(replicaB).responses.create({
      model: "gemini-2.5-flash",
      input: "What is my name?",
      previous_response_id: first.id,
    });
    expect(second.status).toBe("completed");
    expect(lastGeminiBody(fake).contents.map((content: { role: string }) => content.role)).toEqual([
      "user",
      "model",
      "user",
    ]);
    await expect(clientOf(replicaA).responses.retrieve(second.id)).resolves.toMatchObject({ id: second.id });
  });
});

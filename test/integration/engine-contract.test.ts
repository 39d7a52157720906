/**
 * The engine's contract with a client protocol (src/engine/answer-events.ts), as a protocol's route
 * sees it: the real engine of a running gateway, in front of the fake Gemini, driven through a tiny
 * route with an encoder that records every call. What a protocol may rely on: `start` once, when the
 * status line goes out; content events in order; exactly one of `finish` or `fail`; no `finish` event
 * from an attempt that was retried; before the first upstream event, a failure is a thrown
 * `GatewayError` and nothing is written.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import express from "express";
import type { Answer, AnswerEvent, StreamEncoder } from "../../src/engine/answer-events.js";
import type { ChatPlan } from "../../src/engine/chat-plan.js";
import { GatewayError } from "../../src/errors.js";
import { geminiErrors, reply } from "../fake-gemini/index.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { request } from "../support/http.js";

type Call =
  | { method: "start" }
  | { method: "event"; event: AnswerEvent }
  | { method: "keepalive" }
  | { method: "finish" }
  | { method: "fail"; failure: { status: number; code: string | null; message: string } };

/** Records every call, and every frame it returned, in order. */
function recordingEncoder(calls: Call[], frames: string[]): StreamEncoder {
  const returned = (frame: string) => {
    frames.push(frame);
    return frame;
  };
  return {
    start() {
      calls.push({ method: "start" });
      return returned("event: start\n\n");
    },
    event(event) {
      calls.push({ method: "event", event });
      return returned(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    },
    keepalive() {
      calls.push({ method: "keepalive" });
      return returned(": ping\n\n");
    },
    finish(summary) {
      calls.push({ method: "finish" });
      return returned(`event: finish\ndata: ${JSON.stringify(summary.usage)}\n\n`);
    },
    fail(failure) {
      calls.push({ method: "fail", failure });
      return returned(`event: fail\ndata: ${JSON.stringify(failure)}\n\n`);
    },
  };
}

const MODEL = "gemini-2.5-flash";

function planFor(text: string): ChatPlan {
  let counter = 0;
  return {
    model: MODEL,
    body: { contents: [{ role: "user", parts: [{ text }] }] },
    newToolCallId: () => `test_${++counter}`,
  };
}

let harness: Harness;
let routeUrl: string;
let closeRoute: () => Promise<void>;
let calls: Call[];
let frames: string[];

beforeAll(async () => {
  harness = await startHarness();
  const { engine } = harness.running.gateway;
  const app = express();
  app.post("/stream", async (_request, response) => {
    const controller = new AbortController();
    response.once("close", () => controller.abort());
    try {
      await engine.stream(planFor("Hello"), controller.signal, recordingEncoder(calls, frames), response);
    } catch (error) {
      if (!(error instanceof GatewayError) || response.headersSent) throw error;
      response.status(error.status).json({ thrown: { status: error.status, code: error.code } });
    }
  });
  app.post("/complete", async (_request, response) => {
    try {
      response.json(await engine.complete(planFor("Hello"), new AbortController().signal));
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      response.status(error.status).json({ thrown: { status: error.status, code: error.code } });
    }
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  routeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeRoute = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  await closeRoute();
  await harness.stop();
});

beforeEach(() => {
  calls = [];
  frames = [];
  harness.fake.reset();
});

/** `gateway_upstream_requests_total` for the plan's model, by outcome. */
async function upstreamCounts(): Promise<Record<"ok" | "server_error", number>> {
  const { text } = await request(`${harness.url}/metrics`);
  const value = (outcome: string) => {
    const line = text
      .split("\n")
      .find((candidate) =>
        candidate.startsWith(`gateway_upstream_requests_total{model="${MODEL}",outcome="${outcome}"}`),
      );
    return line ? Number(line.split(" ").at(-1)) : 0;
  };
  return { ok: value("ok"), server_error: value("server_error") };
}

const methods = () => calls.map((call) => (call.method === "event" ? call.event.type : call.method));

describe("engine.stream", () => {
  test("start once, content in order, one finish event per candidate, then finish", async () => {
    harness.fake.enqueue(reply.text(["Hel", "lo ", "there"]));
    const response = await fetch(`${routeUrl}/stream`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const body = await response.text();

    expect(methods()).toEqual(["start", "text", "text", "text", "finish", "finish"]);
    const texts = calls.flatMap((call) =>
      call.method === "event" && call.event.type === "text" ? [call.event.text] : [],
    );
    expect(texts.join("")).toBe("Hello there");
    // What the encoder returned is exactly what the client read, in order.
    expect(body).toBe(frames.join(""));
  });

  test("an empty answer is retried unseen on the same encoder: no finish from the first attempt", async () => {
    harness.fake.enqueue(
      reply.chunks([
        {
          candidates: [
            {
              content: { parts: [{ text: "Thinking it over", thought: true }], role: "model" },
              finishReason: "STOP",
              index: 0,
            },
          ],
        },
      ]),
    );
    harness.fake.enqueue(reply.text(["The real answer"]));
    await (await fetch(`${routeUrl}/stream`, { method: "POST" })).text();

    expect(methods()).toEqual(["start", "reasoning", "text", "finish", "finish"]);
    expect(
      harness.fake.requests.filter((request) => request.action === "streamGenerateContent"),
    ).toHaveLength(2);
  });

  test("a second empty answer ends with fail empty_response, never a finish", async () => {
    const empty = reply.chunks([
      { candidates: [{ content: {}, finishReason: "MALFORMED_FUNCTION_CALL", index: 0 }] },
    ]);
    harness.fake.enqueue(empty);
    harness.fake.enqueue(empty);
    await (await fetch(`${routeUrl}/stream`, { method: "POST" })).text();

    expect(methods()).toEqual(["start", "fail"]);
    expect(calls.at(-1)).toMatchObject({ failure: { status: 502, code: "empty_response" } });
  });

  test("a failure after the start ends with one fail; the attempt is counted once, as what it ended with", async () => {
    const before = await upstreamCounts();
    harness.fake.enqueue(reply.midStreamError({ afterChunks: 1, error: geminiErrors.unavailable() }));
    const response = await fetch(`${routeUrl}/stream`, { method: "POST" });
    expect(response.status).toBe(200);
    await response.text();

    expect(methods()).toEqual(["start", "text", "fail"]);
    expect(calls.at(-1)).toMatchObject({ failure: { status: 503, code: "upstream_error" } });
    const after = await upstreamCounts();
    expect(after.server_error - before.server_error).toBe(1);
    expect(after.ok - before.ok).toBe(0);
  });

  test("a stream that ends normally is counted once as ok", async () => {
    const before = await upstreamCounts();
    await (await fetch(`${routeUrl}/stream`, { method: "POST" })).text();
    const after = await upstreamCounts();
    expect(after.ok - before.ok).toBe(1);
    expect(after.server_error - before.server_error).toBe(0);
  });

  test("a stream that ends without Gemini's finish ends with fail", async () => {
    harness.fake.enqueue(
      reply.chunks([
        { candidates: [{ content: { parts: [{ text: "cut short" }], role: "model" }, index: 0 }] },
      ]),
    );
    await (await fetch(`${routeUrl}/stream`, { method: "POST" })).text();

    expect(methods()).toEqual(["start", "text", "fail"]);
  });

  test("before the first upstream event a failure throws a GatewayError and nothing is written", async () => {
    for (const key of TEST_KEYS)
      harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: MODEL, retryDelay: 30 }), { key });
    const response = await fetch(`${routeUrl}/stream`, { method: "POST" });

    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ thrown: { status: 429, code: "rate_limit_exceeded" } });
    expect(calls).toEqual([]);
    harness.running.gateway.pool.reset();
  });
});

describe("engine.complete", () => {
  test("a whole answer: candidates with joined text and a finish, usage added up", async () => {
    harness.fake.enqueue(
      reply.text(["Hel", "lo"], { usage: { promptTokenCount: 10, candidatesTokenCount: 2 } }),
    );
    const response = await fetch(`${routeUrl}/complete`, { method: "POST" });
    const answer = (await response.json()) as Pick<Answer, "candidates" | "usage">;

    expect(answer.candidates).toEqual([
      {
        index: 0,
        parts: [{ type: "text", candidate: 0, text: "Hello" }],
        finish: { kind: "stop", geminiReason: "STOP", madeToolCall: false },
      },
    ]);
    expect(answer.usage.inputTokens).toBe(10);
    expect(answer.usage.totalTokens).toBe(answer.usage.inputTokens + answer.usage.outputTokens);
  });

  test("two empty answers throw the empty_response 502", async () => {
    const empty = reply.chunks([{ candidates: [{ content: {}, finishReason: "OTHER", index: 0 }] }]);
    harness.fake.enqueue(empty);
    harness.fake.enqueue(empty);
    const response = await fetch(`${routeUrl}/complete`, { method: "POST" });

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ thrown: { status: 502, code: "empty_response" } });
  });
});

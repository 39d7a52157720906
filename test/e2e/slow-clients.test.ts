/**
 * CLIENT_REQUEST_TIMEOUT_MS bounds how long a client may take to SEND its request (Node's
 * requestTimeout and headersTimeout measure receiving the request, not answering it): a client that
 * trickles its body or its headers is cut, while an answer that streams for several times that long is
 * never cut. Driven on the BUILT server with a short timeout.
 */
import { connect, type Socket } from "node:net";
import { reply, startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { postJson } from "../support/http.js";
import { type ChunkJson, contentOf, postChatStream } from "../support/openai-chat-stream.js";
import { waitFor } from "../support/poll.js";

const KEYS = ["fake-key-slow-clients-0001"];
const TIMEOUT_MS = 1_500;

let fake: FakeGemini;
let server: BuiltServer;
beforeAll(async () => {
  fake = await startFakeGemini({ keys: KEYS });
  server = await startBuiltServer({
    geminiBaseUrl: fake.url,
    keys: KEYS,
    env: { CLIENT_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), SSE_KEEPALIVE_MS: "500" },
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

interface Trickle {
  socket: Socket;
  received: () => string;
  closed: () => boolean;
  stop(): void;
}

/** A raw connection that sends `head` at once, then one byte of `rest` every 100 ms. */
function trickle(head: string, rest: string): Trickle {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), "127.0.0.1");
  let received = "";
  let closed = false;
  socket.setEncoding("utf8");
  socket.on("data", (piece: string) => {
    received += piece;
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    closed = true;
  });
  socket.write(head);
  let position = 0;
  const timer = setInterval(() => {
    if (closed || position >= rest.length) return;
    socket.write(rest[position] ?? "");
    position += 1;
  }, 100);
  return {
    socket,
    received: () => received,
    closed: () => closed,
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

const BODY = JSON.stringify({
  model: "gemini-2.5-flash",
  messages: [{ role: "user", content: "x".repeat(400) }],
});

test("a client trickling its body is answered 408 and cut, well before its body would end", async () => {
  const started = Date.now();
  const client = trickle(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}\r\n\r\n`,
    BODY,
  );
  try {
    // The whole body would take about 45 s at one byte every 100 ms.
    await waitFor(() => (client.closed() ? true : undefined), {
      what: "the gateway to cut the trickle",
      timeoutMs: 20_000,
    });
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fake.requests).toHaveLength(0);
  } finally {
    client.stop();
  }
});

test("a client trickling its headers is cut too", async () => {
  const client = trickle("GET /health HTTP/1.1\r\n", "Host: 127.0.0.1\r\nx-slow: ".concat("a".repeat(400)));
  try {
    await waitFor(() => (client.closed() ? true : undefined), {
      what: "the gateway to cut the headers",
      timeoutMs: 20_000,
    });
    expect(client.received()).toMatch(/^HTTP\/1\.1 408|^$/);
  } finally {
    client.stop();
  }
});

test("an answer streamed for several times the timeout is never cut", async () => {
  const pieces = Array.from({ length: 10 }, (_, index) => `piece ${index} `);
  fake.enqueue(reply.text(pieces, { paceMs: 600 }));
  const started = Date.now();
  const answer = await postChatStream(server.url, {
    model: "gemini-2.5-flash",
    stream: true,
    messages: [{ role: "user", content: "tell a long story" }],
  });
  expect(Date.now() - started).toBeGreaterThan(3 * TIMEOUT_MS);
  expect(answer.status).toBe(200);
  expect(answer.done).toBe(true);
  expect(contentOf(answer.payloads as ChunkJson[])).toBe(pieces.join(""));
});

test("a slow non-streamed answer is not cut either", async () => {
  fake.enqueue(reply.delay(3 * TIMEOUT_MS, reply.text("late but whole")));
  const answer = await postJson(`${server.url}/v1/chat/completions`, {
    model: "gemini-2.5-flash",
    messages: [{ role: "user", content: "take your time" }],
  });
  expect(answer.status).toBe(200);
  expect(answer.json.choices[0].message.content).toBe("late but whole");
});

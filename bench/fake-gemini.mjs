/**
 * A minimal, fast Gemini upstream for the benchmark: node:http, prebuilt bodies, nothing validated, so
 * that the fake costs as little as possible and the gateway's own cost stands out. (The project's fake in
 * test/fake-gemini validates every request against the wire reference, which is what tests need and
 * what a load generator does not.)
 *
 * The scenario rides in the model name, the one thing the gateway passes through unchanged on every
 * route: `gemini-2.5-flash` answers at once with one body (or one SSE chunk); a suffix changes that:
 *   `-c{N}`  N stream chunks              (default FAKE_CHUNKS, else 8)
 *   `-p{ms}` ms between stream chunks, on an absolute schedule, so pacing never drifts
 *   `-l{ms}` ms before the answer starts  (default FAKE_LATENCY_MS, else 0)
 *   `-t`     stamp each chunk's text with the moment it was written (`@<epoch ms>`), so a client can
 *            measure each chunk's transit; the stamp clock is `performance.timeOrigin + now()`.
 * e.g. `gemini-2.5-flash-c64-p20-t`. Streams use Gemini's framing: `data: {...}\r\n\r\n`, no [DONE].
 *
 * Run: `node bench/fake-gemini.mjs [port]`; it prints `{"port":N}` on its first stdout line.
 */
import { createServer } from "node:http";

const DEFAULT_CHUNKS = Number(process.env.FAKE_CHUNKS ?? 8);
const DEFAULT_LATENCY_MS = Number(process.env.FAKE_LATENCY_MS ?? 0);
const MODEL_VERSION = "gemini-2.5-flash";
const RESPONSE_ID = "qS77aMCqBu6mvr0PsJiykAw";

/** The non-streaming answer, in the shape recorded from the live API (reference §2). */
const GENERATE_BODY = Buffer.from(
  JSON.stringify({
    candidates: [
      {
        content: { parts: [{ text: "Hello! How can I help you today?" }], role: "model" },
        finishReason: "STOP",
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: 7,
      candidatesTokenCount: 9,
      totalTokenCount: 16,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 7 }],
    },
    modelVersion: MODEL_VERSION,
    responseId: RESPONSE_ID,
  }),
);

const MODELS_BODY = Buffer.from(
  JSON.stringify({
    models: [
      {
        name: "models/gemini-2.5-flash",
        displayName: "Gemini 2.5 Flash",
        supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
      },
    ],
  }),
);

const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8", vary: "Origin" };
const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "content-disposition": "attachment",
  vary: "Origin",
};

/**
 * Chunk `index` of `count`, split around the place its stamp goes: `head + stamp + tail` is one whole
 * `data:` event. Running usage on every chunk and the finish reason on the last, as Gemini sends them.
 */
function chunkParts(index, count) {
  const last = index === count - 1;
  const marker = "\u0000STAMP\u0000";
  const chunk = {
    candidates: [
      {
        content: { parts: [{ text: `w${index}${marker} ` }], role: "model" },
        ...(last ? { finishReason: "STOP" } : {}),
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: 7,
      candidatesTokenCount: index + 1,
      totalTokenCount: 8 + index,
    },
    modelVersion: MODEL_VERSION,
    responseId: RESPONSE_ID,
  };
  const [head, tail] = `data: ${JSON.stringify(chunk)}\r\n\r\n`.split(JSON.stringify(marker).slice(1, -1));
  return { head, tail, plain: Buffer.from(head + tail) };
}

/** Prebuilt streams by chunk count: every event, and the whole unpaced stream as one buffer. */
const streams = new Map();
function streamFor(count) {
  let stream = streams.get(count);
  if (!stream) {
    const parts = Array.from({ length: count }, (_, index) => chunkParts(index, count));
    stream = { parts, whole: Buffer.concat(parts.map((part) => part.plain)) };
    streams.set(count, stream);
  }
  return stream;
}

/** Scenarios by model name, parsed once. */
const scenarios = new Map();
function scenarioOf(model) {
  let scenario = scenarios.get(model);
  if (!scenario) {
    const number = (letter, fallback) => {
      const match = new RegExp(`-${letter}(\\d+)(?=-|$)`).exec(model);
      return match ? Number(match[1]) : fallback;
    };
    scenario = {
      chunks: Math.max(1, number("c", DEFAULT_CHUNKS)),
      paceMs: number("p", 0),
      latencyMs: number("l", DEFAULT_LATENCY_MS),
      stamped: /-t(?=-|$)/.test(model),
    };
    scenarios.set(model, scenario);
  }
  return scenario;
}

const epochNow = () => performance.timeOrigin + performance.now();

function writeStream(response, scenario) {
  const { parts, whole } = streamFor(scenario.chunks);
  response.writeHead(200, SSE_HEADERS);
  if (scenario.paceMs === 0 && !scenario.stamped) {
    response.end(whole);
    return;
  }
  const startedAt = performance.now();
  let index = 0;
  let timer;
  const writeNext = () => {
    if (response.destroyed) return;
    const part = parts[index];
    response.write(scenario.stamped ? `${part.head}@${epochNow().toFixed(3)}${part.tail}` : part.plain);
    index++;
    if (index === parts.length) {
      response.end();
      return;
    }
    // Absolute schedule: chunk i leaves at start + i * pace, whatever the timers' own lateness.
    const delay = startedAt + index * scenario.paceMs - performance.now();
    if (delay <= 0 && scenario.paceMs === 0) writeNext();
    else timer = setTimeout(writeNext, Math.max(0, delay));
  };
  response.once("close", () => clearTimeout(timer));
  writeNext();
}

function answer(request, response) {
  const url = request.url ?? "/";
  const match = /^\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)/.exec(url);
  if (!match) {
    if (request.method === "GET" && url.startsWith("/v1beta/models")) {
      response.writeHead(200, JSON_HEADERS).end(MODELS_BODY);
      return;
    }
    response
      .writeHead(404, JSON_HEADERS)
      .end('{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}');
    return;
  }
  const scenario = scenarioOf(decodeURIComponent(match[1]));
  const respond = () => {
    if (response.destroyed) return;
    if (match[2] === "streamGenerateContent") writeStream(response, scenario);
    else response.writeHead(200, JSON_HEADERS).end(GENERATE_BODY);
  };
  if (scenario.latencyMs > 0) setTimeout(respond, scenario.latencyMs);
  else respond();
}

const server = createServer({ keepAliveTimeout: 120_000 }, (request, response) => {
  request.on("error", () => {});
  response.on("error", () => {});
  // Read the body to its end (the gateway sends one), then answer.
  request.resume();
  request.once("end", () => answer(request, response));
});
server.maxRequestsPerSocket = 0;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.on("clientError", (_error, socket) => socket.destroy());
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

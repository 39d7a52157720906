/**
 * The benchmark's own HTTP client: node:http with keep-alive, timed with `process.hrtime.bigint()`.
 * It is the fallback load generator when wrk is absent, and the only one for streams, where it records
 * when each SSE event arrived and, for stamped chunks, how long the chunk took from the fake to here.
 */
import { Agent, request as httpRequest } from "node:http";

export function createAgent(maxSockets = 1) {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, keepAliveMsecs: 30_000 });
}

const epochNow = () => performance.timeOrigin + performance.now();

/** One request, body read whole. Resolves `{ status, body, elapsedMs }`; never rejects. */
export function requestOnce(agent, target, { method = "POST", path, body, headers = {} }) {
  return new Promise((resolve) => {
    const startedAt = process.hrtime.bigint();
    const outgoing = httpRequest(
      {
        agent,
        host: target.host,
        port: target.port,
        method,
        path,
        headers: body
          ? { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers }
          : headers,
      },
      (response) => {
        const pieces = [];
        response.on("data", (piece) => pieces.push(piece));
        response.on("end", () =>
          resolve({
            status: response.statusCode,
            body: Buffer.concat(pieces).toString("utf8"),
            elapsedMs: Number(process.hrtime.bigint() - startedAt) / 1e6,
          }),
        );
        response.on("error", (error) => resolve({ status: 0, error: error.message, elapsedMs: NaN }));
      },
    );
    outgoing.on("error", (error) => resolve({ status: 0, error: error.message, elapsedMs: NaN }));
    outgoing.end(body);
  });
}

/**
 * Sequential requests on one keep-alive connection, for at most `count` requests or `seconds`,
 * whichever ends first. Answers the latencies (ms) of the 2xx answers and the count of others.
 */
export async function latencyRun(target, call, { count, seconds, warmup = 0 }) {
  const agent = createAgent(1);
  try {
    for (let index = 0; index < warmup; index++) await requestOnce(agent, target, call);
    const latencies = [];
    let failures = 0;
    const deadline = performance.now() + seconds * 1000;
    for (let index = 0; index < count && performance.now() < deadline; index++) {
      const result = await requestOnce(agent, target, call);
      if (result.status >= 200 && result.status < 300) latencies.push(result.elapsedMs);
      else failures++;
    }
    return { latencies, failures };
  } finally {
    agent.destroy();
  }
}

/**
 * Closed-loop load: `connections` workers, each sending its next request when the last one answered,
 * for `seconds`. The fallback when wrk is absent (autocannon is preferred for throughput).
 */
export async function closedLoopRun(target, call, { connections, seconds }) {
  const agent = createAgent(connections);
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  let failures = 0;
  const latencies = [];
  const worker = async () => {
    while (performance.now() < deadline) {
      const result = await requestOnce(agent, target, call);
      if (result.status >= 200 && result.status < 300) {
        completed++;
        if (latencies.length < 200_000) latencies.push(result.elapsedMs);
      } else failures++;
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - startedAt) / 1000;
  agent.destroy();
  return { requestsPerSecond: completed / elapsed, completed, failures, latencies };
}

/**
 * One streaming request. Records the arrival of each SSE event; for events whose text carries the
 * fake's stamp (`@<epoch ms>`), the transit time. Resolves once the stream ends, fails, or `timeoutMs`
 * passes (then `timedOut` is true). Never rejects.
 */
export function streamOnce(agent, target, { path, body, headers = {}, timeoutMs = 30_000 }) {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const result = {
      status: 0,
      events: 0,
      stamped: 0,
      done: false,
      ended: false,
      timedOut: false,
      error: undefined,
      firstEventMs: undefined,
      firstStampedMs: undefined,
      /** Arrival (ms after the request started) of each stamped event. */
      arrivals: [],
      /** Fake → client time (ms) of each stamped event. */
      transits: [],
      errorEvent: undefined,
    };
    let pending = "";
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      result.timedOut = true;
      outgoing.destroy();
      settle();
    }, timeoutMs);

    const onEvent = (event, arrivedAt, arrivedEpoch) => {
      result.events++;
      result.firstEventMs ??= arrivedAt - startedAt;
      if (event.includes("[DONE]")) {
        result.done = true;
        return;
      }
      if (event.includes('"error"')) result.errorEvent ??= event.slice(0, 300);
      const stampAt = event.indexOf("@");
      if (stampAt === -1) return;
      const stamp = Number.parseFloat(event.slice(stampAt + 1, stampAt + 24));
      if (!Number.isFinite(stamp)) return;
      result.stamped++;
      result.firstStampedMs ??= arrivedAt - startedAt;
      result.arrivals.push(arrivedAt - startedAt);
      result.transits.push(arrivedEpoch - stamp);
    };

    const outgoing = httpRequest(
      {
        agent,
        host: target.host,
        port: target.port,
        method: "POST",
        path,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        result.status = response.statusCode;
        response.setEncoding("utf8");
        response.on("data", (text) => {
          const arrivedAt = performance.now();
          const arrivedEpoch = epochNow();
          pending += text;
          // Events end with a blank line: `\n\n` (the gateway) or `\r\n\r\n` (Gemini).
          for (;;) {
            const lf = pending.indexOf("\n\n");
            const crlf = pending.indexOf("\r\n\r\n");
            let end = -1;
            let separator = 0;
            if (crlf !== -1 && (lf === -1 || crlf < lf)) {
              end = crlf;
              separator = 4;
            } else if (lf !== -1) {
              end = lf;
              separator = 2;
            }
            if (end === -1) break;
            const event = pending.slice(0, end);
            pending = pending.slice(end + separator);
            if (event.startsWith("data:")) onEvent(event, arrivedAt, arrivedEpoch);
          }
        });
        response.on("end", () => {
          result.ended = true;
          settle();
        });
        response.on("error", (error) => {
          result.error = error.message;
          settle();
        });
        response.on("close", settle);
      },
    );
    outgoing.on("error", (error) => {
      result.error = error.message;
      settle();
    });
    outgoing.end(body);
  });
}

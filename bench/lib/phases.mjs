/**
 * The measurements. Each takes a target (`{ host, port }`) and a request, so the same function runs
 * once against the fake directly and once through the gateway, in the same run.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { closedLoopRun, createAgent, latencyRun, requestOnce, streamOnce } from "./http-client.mjs";
import { rounded, summarize } from "./stats.mjs";
import { runWrk, writeWrkScript } from "./wrk.mjs";

const urlOf = (target, path) => `http://${target.host}:${target.port}${path}`;

/**
 * Latency at one connection, closed loop. With wrk: `wrk -t1 -c1 --latency`; otherwise (or as the
 * cross-check) the hrtime client.
 */
export async function measureLatency(target, call, { seconds, useWrk, scriptFolder, name }) {
  if (useWrk) {
    const script = writeWrkScript(scriptFolder, name, call.body);
    const report = await runWrk({ url: urlOf(target, call.path), script, connections: 1, seconds });
    return {
      tool: "wrk",
      requests: report.requests,
      failures: report.non2xx + report.socketErrors,
      p50: report.percentilesMs.p50,
      p90: report.percentilesMs.p90,
      p99: report.percentilesMs.p99,
      mean: report.meanMs,
      max: report.maxMs,
    };
  }
  return measureLatencyHrtime(target, call, { seconds });
}

export async function measureLatencyHrtime(target, call, { seconds, count = 200_000 }) {
  const { latencies, failures } = await latencyRun(target, call, { count, seconds, warmup: 200 });
  const summary = summarize(latencies);
  return {
    tool: "node-hrtime",
    requests: summary.count,
    failures,
    ...rounded({
      p50: summary.p50,
      p90: summary.p90,
      p99: summary.p99,
      mean: summary.mean,
      max: summary.max,
    }),
  };
}

/** Requests per second at saturation: wrk, else autocannon, else the hrtime client's closed loop. */
export async function measureThroughput(
  target,
  call,
  { seconds, connections, generator, scriptFolder, name },
) {
  if (generator === "wrk") {
    const script = writeWrkScript(scriptFolder, name, call.body);
    const report = await runWrk({ url: urlOf(target, call.path), script, connections, seconds });
    return {
      tool: "wrk",
      connections,
      requestsPerSecond: report.requestsPerSecond,
      requests: report.requests,
      failures: report.non2xx + report.socketErrors,
      p50: report.percentilesMs.p50,
      p99: report.percentilesMs.p99,
    };
  }
  if (generator === "autocannon") {
    const { default: autocannon } = await import("autocannon");
    const result = await autocannon({
      url: urlOf(target, call.path),
      method: "POST",
      headers: { "content-type": "application/json" },
      body: call.body,
      connections,
      duration: seconds,
    });
    return {
      tool: "autocannon",
      connections,
      requestsPerSecond: result.requests.average,
      requests: result.requests.total,
      failures: result.non2xx + result.errors + result.timeouts,
      p50: result.latency.p50,
      p99: result.latency.p99,
    };
  }
  const result = await closedLoopRun(target, call, { connections, seconds });
  const summary = summarize(result.latencies);
  return {
    tool: "node-hrtime",
    connections,
    requestsPerSecond: result.requestsPerSecond,
    requests: result.completed,
    failures: result.failures,
    p50: summary.p50,
    p99: summary.p99,
  };
}

/** Time to first token over sequential short streams on one connection. */
export async function measureFirstToken(target, call, { count, seconds }) {
  const agent = createAgent(1);
  const firstTokens = [];
  const totals = [];
  let failures = 0;
  try {
    for (let index = 0; index < 20; index++) await streamOnce(agent, target, call);
    const deadline = performance.now() + seconds * 1000;
    for (let index = 0; index < count && performance.now() < deadline; index++) {
      const startedAt = performance.now();
      const result = await streamOnce(agent, target, call);
      if (result.status !== 200 || result.error || result.timedOut || result.firstEventMs === undefined) {
        failures++;
        continue;
      }
      firstTokens.push(result.firstEventMs);
      totals.push(performance.now() - startedAt);
    }
  } finally {
    agent.destroy();
  }
  return {
    streams: firstTokens.length,
    failures,
    firstToken: rounded(summarize(firstTokens)),
    whole: rounded(summarize(totals)),
  };
}

/**
 * `streams` paced streams (each `expectedChunks` stamped chunks), their starts spread evenly over
 * `spreadMs` so they all overlap. A stream is dropped when it fails or misses a chunk (or, through the
 * gateway, its `[DONE]`); a chunk is late when it reached the client more than `lateAfterMs` after
 * the fake wrote it.
 */
export async function measurePacedStreams(
  target,
  call,
  { streams, expectedChunks, paceMs, spreadMs, expectDone, lateAfterMs, timeoutMs },
) {
  const agent = createAgent(streams);
  const startedAt = performance.now();
  const windows = [];
  try {
    const results = await Promise.all(
      Array.from({ length: streams }, async (_, index) => {
        await sleep((spreadMs * index) / streams);
        const begin = performance.now() - startedAt;
        const result = await streamOnce(agent, target, { ...call, timeoutMs });
        windows.push([begin, performance.now() - startedAt]);
        return result;
      }),
    );
    const transits = [];
    const firstTokens = [];
    const gaps = [];
    let dropped = 0;
    let lateChunks = 0;
    let chunks = 0;
    const problems = [];
    for (const result of results) {
      const complete =
        result.status === 200 &&
        !result.error &&
        !result.timedOut &&
        result.stamped === expectedChunks &&
        (!expectDone || result.done) &&
        !result.errorEvent;
      if (!complete) {
        dropped++;
        if (problems.length < 3) {
          problems.push({
            status: result.status,
            stamped: result.stamped,
            done: result.done,
            error: result.error,
            timedOut: result.timedOut,
            errorEvent: result.errorEvent,
          });
        }
      }
      chunks += result.stamped;
      if (result.firstStampedMs !== undefined) firstTokens.push(result.firstStampedMs);
      for (const transit of result.transits) {
        transits.push(transit);
        if (transit > lateAfterMs) lateChunks++;
      }
      for (let position = 1; position < result.arrivals.length; position++) {
        gaps.push(result.arrivals[position] - result.arrivals[position - 1]);
      }
    }
    return {
      streams,
      paceMs,
      expectedChunks,
      peakConcurrency: peakOverlap(windows),
      dropped,
      chunks,
      lateChunks,
      lateAfterMs,
      firstToken: rounded(summarize(firstTokens)),
      transit: rounded(summarize(transits)),
      gap: rounded(summarize(gaps)),
      problems,
    };
  } finally {
    agent.destroy();
  }
}

/**
 * `pollers` clients, each sending `GET path` in a closed loop with `pauseMs` between its polls, as
 * dashboards polling `/status` do, until `stop()` answers their latencies.
 */
export function pollInBackground(target, { pollers, path, pauseMs }) {
  const agent = createAgent(pollers);
  let running = true;
  const latencies = [];
  let failures = 0;
  let bodyBytes = 0;
  const loops = Array.from({ length: pollers }, async () => {
    while (running) {
      const answer = await requestOnce(agent, target, { method: "GET", path });
      if (answer.status === 200) {
        latencies.push(answer.elapsedMs);
        bodyBytes = answer.body.length;
      } else failures++;
      if (pauseMs > 0) await sleep(pauseMs);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return {
        pollers,
        pauseMs,
        polls: latencies.length,
        failures,
        bodyBytes,
        ...rounded(summarize(latencies)),
      };
    },
  };
}

/** The largest number of [start, end] windows open at once. */
function peakOverlap(windows) {
  const edges = windows.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ]);
  edges.sort((left, right) => left[0] - right[0] || left[1] - right[1]);
  let open = 0;
  let peak = 0;
  for (const [, change] of edges) {
    open += change;
    peak = Math.max(peak, open);
  }
  return peak;
}

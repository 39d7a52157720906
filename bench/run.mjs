/**
 * `npm run bench`: the gateway's cost, measured against the bare upstream (issue 7).
 *
 * Starts the BUILT gateway (`node dist/server.js`) and a fast fake Gemini (bench/fake-gemini.mjs) as
 * child processes on loopback, sends every workload to both (directly to the fake, and through the
 * gateway) in the same run, prints a table, and writes the raw results to bench/results/.
 * It is not a test: a missed target is reported, never an exit code. It exits non-zero only when
 * something broke (the gateway would not start, an answer was wrong).
 *
 * Options: --quick (shorter phases), --no-wrk (use the Node load generators even where wrk exists),
 * --no-info (skip the LOG_LEVEL=info comparison), --no-large-pool (skip the 5,000-key pool and the
 * /status polling), --no-loop-monitor (no event-loop delay figures), --dist <folder> (another build of
 * the gateway, e.g. a patched copy, to measure a change), --node-args "<flags>" (Node flags for the
 * gateway, e.g. "--max-semi-space-size=8").
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createAgent, requestOnce, streamOnce } from "./lib/http-client.mjs";
import {
  measureFirstToken,
  measureLatency,
  measureLatencyHrtime,
  measurePacedStreams,
  measureThroughput,
  pollInBackground,
} from "./lib/phases.mjs";
import {
  cpuTimeMs,
  loopDelaySince,
  rssMb,
  sampleRss,
  startFake,
  startGateway,
  stopAll,
  stopProcess,
} from "./lib/processes.mjs";
import { printReport, TARGETS } from "./lib/report.mjs";
import { buildWorkloads } from "./lib/workloads.mjs";
import { wrkVersion } from "./lib/wrk.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);

const quick = flag("--quick");
const distFolder = resolve(option("--dist", join(root, "dist")));
// By default the gateway runs with the Node flags of `npm start`, as users run it.
const startScript = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).scripts
  .start;
const startFlags = startScript
  .split(" ")
  .filter((word) => word.startsWith("--"))
  .join(" ");
const gatewayNodeArguments = option("--node-args", startFlags).split(" ").filter(Boolean);
const seconds = {
  latency: quick ? 3 : 5,
  throughput: quick ? 4 : 8,
  firstToken: quick ? 3 : 5,
};
const THROUGHPUT_CONNECTIONS = 64;
const PACED = { expectedChunks: 64, paceMs: 20, spreadMs: 500, lateAfterMs: 20, timeoutMs: 30_000 };
/** The pool every gateway of the run has, and the large one it is compared with. */
const POOL_KEYS = 3;
const LARGE_POOL_KEYS = 5_000;
/** Dashboards polling `/status` while chat load runs: 4 of them, each polling 4 times a second. */
const STATUS_POLLING = { pollers: 4, path: "/status", pauseMs: 250 };
/** A chunk of the 1,000 streams is late after 50 ms (the target allows 1 % of them). */
const THOUSAND_STREAMS_LATE_AFTER_MS = 50;
const loopMonitorScript = join(here, "lib", "loop-monitor.mjs");
const PACED_SINGLE_STREAMS = quick ? 2 : 4;

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const failures = [];

function git(...args) {
  try {
    return execFileSync("git", args, {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

function machine() {
  const processors = cpus();
  const changed = git("status", "--porcelain", "--untracked-files=no");
  return {
    cpu: processors[0]?.model ?? "unknown",
    cores: processors.length,
    memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${process.platform} ${release()}`,
    node: process.version,
    commit: git("rev-parse", "HEAD"),
    uncommittedChanges: changed === undefined ? undefined : changed.split("\n").filter(Boolean).length,
    dist: relative(root, distFolder) || ".",
    gatewayNodeArguments,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX,
    loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
    wrk: wrkVersion(),
  };
}

/** The gateway whose event loop is watched (`{ gateway, file }`), while it runs. */
let monitored;

/**
 * Runs one phase; a phase that throws is recorded and the run goes on (and ends non-zero). With the
 * loop monitor, the result carries the gateway's event-loop delay during the phase.
 */
async function phase(name, run) {
  log(name);
  try {
    if (monitored) await loopDelaySince(monitored.gateway, monitored.file);
    const result = await run();
    if (monitored && result && typeof result === "object") {
      result.loopDelay = await loopDelaySince(monitored.gateway, monitored.file);
    }
    return result;
  } catch (error) {
    log(`${name} FAILED: ${error.stack ?? error}`);
    failures.push({ phase: name, error: String(error.message ?? error) });
    return { error: String(error.message ?? error) };
  }
}

function translationMicrobenchmark() {
  const output = execFileSync(
    process.execPath,
    [join(here, "translate-micro.mjs"), "--json", "--dist", distFolder],
    { encoding: "utf8", timeout: 120_000 },
  );
  return JSON.parse(output.trim().split("\n").pop());
}

/** Confirms both servers give the right answers before anything is timed. */
async function sanityCheck(fake, gateway, workloads) {
  const direct = await requestOnce(undefined, fake.target, workloads.small.gemini);
  if (direct.status !== 200 || !direct.body.includes('"candidates"'))
    throw new Error(`fake answered ${direct.status}`);
  const viaGateway = await requestOnce(undefined, gateway.target, workloads.small.openai);
  if (
    viaGateway.status !== 200 ||
    JSON.parse(viaGateway.body).choices?.[0]?.message?.content !== "Hello! How can I help you today?"
  ) {
    throw new Error(`gateway answered ${viaGateway.status}: ${viaGateway.body.slice(0, 300)}`);
  }
  const agentTurn = await requestOnce(undefined, gateway.target, workloads.agent.openai);
  if (agentTurn.status !== 200)
    throw new Error(`gateway refused the agent turn: ${agentTurn.body.slice(0, 300)}`);
  const anthropic = await requestOnce(undefined, gateway.target, workloads.small.anthropic);
  if (anthropic.status !== 200 || JSON.parse(anthropic.body).content?.[0]?.text === undefined) {
    throw new Error(`/v1/messages answered ${anthropic.status}: ${anthropic.body.slice(0, 300)}`);
  }
  const responses = await requestOnce(undefined, gateway.target, workloads.small.responses);
  if (responses.status !== 200 || JSON.parse(responses.body).status !== "completed") {
    throw new Error(`/v1/responses answered ${responses.status}: ${responses.body.slice(0, 300)}`);
  }
  const stream = await streamOnce(createAgent(1), gateway.target, workloads.shortStream.openai);
  if (stream.status !== 200 || !stream.done || stream.events < 9) {
    throw new Error(
      `gateway stream broke: ${JSON.stringify({ ...stream, arrivals: undefined, transits: undefined })}`,
    );
  }
  const native = await requestOnce(undefined, gateway.target, workloads.small.gemini);
  const nativeAvailable = native.status === 200 && native.body.includes('"candidates"');
  if (!nativeAvailable && native.status !== 404) {
    throw new Error(`native route answered ${native.status}: ${native.body.slice(0, 300)}`);
  }
  return { nativeAvailable, nativeStatus: native.status };
}

async function main() {
  const startedAt = Date.now();
  const info = machine();
  const useWrk = info.wrk !== undefined && !flag("--no-wrk");
  const generator = useWrk ? "wrk" : "autocannon";
  log(
    `node ${info.node}, ${info.cores} × ${info.cpu}, commit ${info.commit?.slice(0, 12)}, load: ${generator}`,
  );

  const scratch = mkdtempSync(join(tmpdir(), "gemini-rotator-bench-"));
  const writeKeys = (name, count) => {
    const file = join(scratch, name);
    const keys = Array.from(
      { length: count },
      (_, index) => `bench-fake-key-${String(index).padStart(5, "0")}`,
    );
    writeFileSync(file, `${keys.join("\n")}\n`);
    return file;
  };
  const keysFile = writeKeys("keys.txt", POOL_KEYS);
  const useLoopMonitor = !flag("--no-loop-monitor");
  const loopFile = (stateName) => join(scratch, `loop-${stateName}.json`);
  const gatewayNodeArgumentsOf = () =>
    useLoopMonitor ? [...gatewayNodeArguments, "--import", loopMonitorScript] : gatewayNodeArguments;
  const gatewayEnvironment = (logLevel, stateName) => ({
    KEYS_FILE: keysFile,
    STATE_FILE: join(scratch, `${stateName}.json`),
    GEMINI_BASE_URL: `http://127.0.0.1:${fake.target.port}`,
    LOG_LEVEL: logLevel,
    WATCH_KEYS_FILE: "false",
    // As in the Docker image.
    NODE_ENV: "production",
    ...(useLoopMonitor ? { BENCH_LOOP_MONITOR: loopFile(stateName) } : {}),
    // `./start.sh` sets MALLOC_ARENA_MAX=2 and `npm start` does not: the run measures what its own
    // environment says (`MALLOC_ARENA_MAX=2 npm run bench` measures the gateway as start.sh runs it).
    ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
  });
  const serverScript = join(distFolder, "server.js");
  const results = {
    machine: info,
    options: {
      quick,
      generator,
      seconds,
      paced: PACED,
      poolKeys: POOL_KEYS,
      loopMonitor: useLoopMonitor,
      statusPolling: STATUS_POLLING,
    },
    targets: TARGETS,
  };

  results.translation = await phase("translation microbenchmark", translationMicrobenchmark);

  const fake = await startFake(join(here, "fake-gemini.mjs"));
  const workloads = await buildWorkloads(distFolder);
  let gateway = await startGateway(serverScript, gatewayEnvironment("warn", "state"), {
    nodeArguments: gatewayNodeArgumentsOf(),
  });
  if (useLoopMonitor) monitored = { gateway, file: loopFile("state") };
  const memory = {};
  await sleep(1000);
  memory.idleAtStartMb = rssMb(gateway.pid);
  memory.fakeIdleMb = rssMb(fake.pid);

  const sanity = await sanityCheck(fake, gateway, workloads);
  results.nativeRoute = sanity;
  log(
    `answers checked; native route ${sanity.nativeAvailable ? "present" : `absent (${sanity.nativeStatus})`}`,
  );

  // Warm both servers (JIT, connection pools) before timing.
  await measureLatencyHrtime(fake.target, workloads.small.gemini, { seconds: 1, count: 2000 });
  await measureLatencyHrtime(gateway.target, workloads.small.openai, { seconds: 2, count: 3000 });
  await measureLatencyHrtime(gateway.target, workloads.agent.openai, { seconds: 1, count: 500 });
  memory.idleWarmMb = rssMb(gateway.pid);

  const latencyOptions = (name) => ({ seconds: seconds.latency, useWrk, scriptFolder: scratch, name });
  /** Runs a measurement and adds the CPU time `pid` spent per request (µs) while it ran. */
  const withCpu = async (pid, measurement) => {
    const before = cpuTimeMs(pid);
    const result = await measurement;
    const spent = cpuTimeMs(pid) - before;
    const count = result.requests ?? result.chunks;
    return {
      ...result,
      cpuUsPer: Number.isFinite(spent) && count ? Number(((spent * 1000) / count).toFixed(1)) : undefined,
    };
  };
  results.latency = await phase("latency at one connection", async () => {
    const latency = {
      small: {
        direct: await withCpu(
          fake.pid,
          measureLatency(fake.target, workloads.small.gemini, latencyOptions("direct-small")),
        ),
        openai: await withCpu(
          gateway.pid,
          measureLatency(gateway.target, workloads.small.openai, latencyOptions("openai-small")),
        ),
      },
      agent: {
        direct: await withCpu(
          fake.pid,
          measureLatency(fake.target, workloads.agent.gemini, latencyOptions("direct-agent")),
        ),
        openai: await withCpu(
          gateway.pid,
          measureLatency(gateway.target, workloads.agent.openai, latencyOptions("openai-agent")),
        ),
      },
    };
    for (const route of ["anthropic", "responses"]) {
      latency.small[route] = await withCpu(
        gateway.pid,
        measureLatency(gateway.target, workloads.small[route], latencyOptions(`${route}-small`)),
      );
    }
    if (sanity.nativeAvailable) {
      latency.small.native = await withCpu(
        gateway.pid,
        measureLatency(gateway.target, workloads.small.gemini, latencyOptions("native-small")),
      );
      latency.agent.native = await withCpu(
        gateway.pid,
        measureLatency(gateway.target, workloads.agent.gemini, latencyOptions("native-agent")),
      );
    }
    if (useWrk) {
      // The same figures from the Node client, as a cross-check of the tool.
      latency.crossCheck = {
        direct: await measureLatencyHrtime(fake.target, workloads.small.gemini, { seconds: 2 }),
        openai: await measureLatencyHrtime(gateway.target, workloads.small.openai, { seconds: 2 }),
      };
    }
    return latency;
  });

  const throughputOptions = (name) => ({
    seconds: seconds.throughput,
    connections: THROUGHPUT_CONNECTIONS,
    generator,
    scriptFolder: scratch,
    name,
  });
  results.throughput = await phase("throughput at saturation", async () => {
    const direct = await withCpu(
      fake.pid,
      measureThroughput(fake.target, workloads.small.gemini, throughputOptions("tp-direct")),
    );
    const sampler = sampleRss(gateway.pid);
    const openai = await withCpu(
      gateway.pid,
      measureThroughput(gateway.target, workloads.small.openai, throughputOptions("tp-openai")),
    );
    memory.underThroughputLoadMb = sampler.stop().peakMb;
    const throughput = { direct, openai };
    for (const route of ["anthropic", "responses"]) {
      throughput[route] = await withCpu(
        gateway.pid,
        measureThroughput(gateway.target, workloads.small[route], throughputOptions(`tp-${route}`)),
      );
    }
    if (sanity.nativeAvailable) {
      throughput.native = await withCpu(
        gateway.pid,
        measureThroughput(gateway.target, workloads.small.gemini, throughputOptions("tp-native")),
      );
    }
    return throughput;
  });

  results.firstToken = await phase("time to first token (short streams, one connection)", async () => ({
    direct: await measureFirstToken(fake.target, workloads.shortStream.gemini, {
      count: 2000,
      seconds: seconds.firstToken,
    }),
    openai: await measureFirstToken(gateway.target, workloads.shortStream.openai, {
      count: 2000,
      seconds: seconds.firstToken,
    }),
    ...(sanity.nativeAvailable
      ? {
          native: await measureFirstToken(gateway.target, workloads.shortStream.gemini, {
            count: 2000,
            seconds: seconds.firstToken,
          }),
        }
      : {}),
  }));

  const pacedOptions = (streams, expectDone) => ({ ...PACED, streams, expectDone });
  results.pacedStream = await phase(
    `paced stream (${PACED.expectedChunks} chunks, ${PACED.paceMs} ms apart)`,
    async () => {
      const single = { direct: [], openai: [], native: [] };
      for (let round = 0; round < PACED_SINGLE_STREAMS; round++) {
        single.direct.push(
          await measurePacedStreams(fake.target, workloads.pacedStream.gemini, pacedOptions(1, false)),
        );
        single.openai.push(
          await measurePacedStreams(gateway.target, workloads.pacedStream.openai, pacedOptions(1, true)),
        );
        if (sanity.nativeAvailable) {
          single.native.push(
            await measurePacedStreams(gateway.target, workloads.pacedStream.gemini, pacedOptions(1, false)),
          );
        }
      }
      return {
        direct: mergePaced(single.direct),
        openai: mergePaced(single.openai),
        ...(sanity.nativeAvailable ? { native: mergePaced(single.native) } : {}),
      };
    },
  );

  // Streams that are not paced, opened together: the loop must keep serving every socket.
  const burst = {
    streams: 512,
    expectedChunks: 64,
    paceMs: 0,
    spreadMs: 200,
    lateAfterMs: 50,
    timeoutMs: 30_000,
  };
  results.burst = await phase(`burst of ${burst.streams} fast streams`, async () => {
    const direct = await measurePacedStreams(fake.target, workloads.fastStream.gemini, {
      ...burst,
      expectDone: false,
    });
    const openai = await withCpu(
      gateway.pid,
      measurePacedStreams(gateway.target, workloads.fastStream.openai, { ...burst, expectDone: true }),
    );
    return { direct, openai };
  });

  results.concurrentStreams = {};
  for (const streams of [128, 512, 1000]) {
    const lateAfterMs = streams >= 1000 ? THOUSAND_STREAMS_LATE_AFTER_MS : PACED.lateAfterMs;
    results.concurrentStreams[streams] = await phase(`${streams} concurrent paced streams`, async () => {
      const direct = await withCpu(
        fake.pid,
        measurePacedStreams(fake.target, workloads.pacedStream.gemini, {
          ...pacedOptions(streams, false),
          lateAfterMs,
        }),
      );
      const sampler = sampleRss(gateway.pid);
      const openai = await withCpu(
        gateway.pid,
        measurePacedStreams(gateway.target, workloads.pacedStream.openai, {
          ...pacedOptions(streams, true),
          lateAfterMs,
        }),
      );
      memory[`under${streams}StreamsMb`] = sampler.stop().peakMb;
      return { direct, openai };
    });
  }

  // V8 gives idle memory back a few seconds after the load stops (its memory reducer); read it then.
  await sleep(3000);
  memory.threeSecondsAfterLoadMb = rssMb(gateway.pid);
  await sleep(7000);
  memory.afterLoadMb = rssMb(gateway.pid);
  results.creep = await phase("second round of load (memory creep)", async () => {
    const sampler = sampleRss(gateway.pid);
    const throughput = await measureThroughput(
      gateway.target,
      workloads.small.openai,
      throughputOptions("tp-openai-2"),
    );
    const streams = await measurePacedStreams(
      gateway.target,
      workloads.pacedStream.openai,
      pacedOptions(512, true),
    );
    memory.underSecondRoundMb = sampler.stop().peakMb;
    await sleep(10_000);
    memory.afterSecondRoundMb = rssMb(gateway.pid);
    return { requestsPerSecond: throughput.requestsPerSecond, streamsDropped: streams.dropped };
  });
  results.memory = memory;

  if (!flag("--no-large-pool")) {
    results.largePool = await phase(
      `${LARGE_POOL_KEYS.toLocaleString("en")}-key pool against ${POOL_KEYS} keys, and /status polling`,
      async () => {
        // Both pools start fresh and are warmed alike: the gateway measured so far has served the
        // whole run (a full request log, a grown heap), which would weigh on the small pool only.
        const small = await startGateway(serverScript, gatewayEnvironment("warn", "state-small"), {
          nodeArguments: gatewayNodeArgumentsOf(),
        });
        const large = await startGateway(
          serverScript,
          {
            ...gatewayEnvironment("warn", "state-large"),
            KEYS_FILE: writeKeys("keys-large.txt", LARGE_POOL_KEYS),
          },
          { nodeArguments: gatewayNodeArgumentsOf() },
        );
        try {
          await sleep(1000);
          const outcome = { keys: LARGE_POOL_KEYS, idleAtStartMb: rssMb(large.pid), rounds: [], polling: {} };
          for (const server of [small, large]) {
            await measureLatencyHrtime(server.target, workloads.small.openai, { seconds: 2, count: 3000 });
          }
          // Interleaved, so that other work on the machine weighs on both pools alike.
          // Four interleaved rounds: throughput on a shared machine moves by ±10 % between runs.
          for (let round = 0; round < 4; round++) {
            outcome.rounds.push({
              small: await withCpu(
                small.pid,
                measureThroughput(
                  small.target,
                  workloads.small.openai,
                  throughputOptions(`tp-pool-${round}`),
                ),
              ),
              large: await withCpu(
                large.pid,
                measureThroughput(
                  large.target,
                  workloads.small.openai,
                  throughputOptions(`tp-large-${round}`),
                ),
              ),
            });
          }
          for (const [name, server, state] of [
            ["small", small, "state-small"],
            ["large", large, "state-large"],
          ]) {
            if (useLoopMonitor) await loopDelaySince(server, loopFile(state));
            const sampler = sampleRss(server.pid);
            const pollers = pollInBackground(server.target, STATUS_POLLING);
            const chat = await withCpu(
              server.pid,
              measureThroughput(
                server.target,
                workloads.small.openai,
                throughputOptions(`tp-polled-${name}`),
              ),
            );
            outcome.polling[name] = {
              chat,
              status: await pollers.stop(),
              peakRssMb: sampler.stop().peakMb,
              loopDelay: useLoopMonitor ? await loopDelaySince(server, loopFile(state)) : undefined,
            };
          }
          return outcome;
        } finally {
          await stopProcess(small.child);
          await stopProcess(large.child);
        }
      },
    );
  }
  monitored = undefined;
  await stopProcess(gateway.child);

  if (!flag("--no-info")) {
    results.infoLogging = await phase("LOG_LEVEL=info comparison", async () => {
      gateway = await startGateway(serverScript, gatewayEnvironment("info", "state-info"), {
        nodeArguments: gatewayNodeArgumentsOf(),
      });
      try {
        await measureLatencyHrtime(gateway.target, workloads.small.openai, { seconds: 2, count: 3000 });
        return {
          latency: await withCpu(
            gateway.pid,
            measureLatency(gateway.target, workloads.small.openai, latencyOptions("info-openai-small")),
          ),
          throughput: await withCpu(
            gateway.pid,
            measureThroughput(gateway.target, workloads.small.openai, throughputOptions("tp-info")),
          ),
        };
      } finally {
        await stopProcess(gateway.child);
      }
    });
  }

  await stopProcess(fake.child);
  rmSync(scratch, { recursive: true, force: true });
  results.failures = failures;
  results.machine.loadAverageAtEnd = loadavg().map((value) => Number(value.toFixed(2)));
  results.durationSeconds = Math.round((Date.now() - startedAt) / 1000);

  printReport(results);
  const resultsFolder = join(here, "results");
  mkdirSync(resultsFolder, { recursive: true });
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, "-");
  const file = join(resultsFolder, `${stamp}-${(info.commit ?? "nocommit").slice(0, 8)}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(resultsFolder, "latest.json"), text);
  log(`raw results: ${relative(root, file)} (and bench/results/latest.json); ${results.durationSeconds} s`);
  if (failures.length > 0) {
    log(`${failures.length} phase(s) broke: ${failures.map((failure) => failure.phase).join(", ")}`);
    process.exitCode = 1;
  }
}

/** Several single-stream runs as one. */
function mergePaced(runs) {
  const pick = (key) => runs.map((run) => run[key]);
  const median = (values) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];
  return {
    streams: runs.length,
    dropped: pick("dropped").reduce((sum, value) => sum + value, 0),
    lateChunks: pick("lateChunks").reduce((sum, value) => sum + value, 0),
    firstTokenMs: median(runs.map((run) => run.firstToken.p50)),
    transitP50Ms: median(runs.map((run) => run.transit.p50)),
    transitP99Ms: Math.max(...runs.map((run) => run.transit.p99)),
    transitMaxMs: Math.max(...runs.map((run) => run.transit.max)),
    gapP50Ms: median(runs.map((run) => run.gap.p50)),
    gapMaxMs: Math.max(...runs.map((run) => run.gap.max)),
    runs,
  };
}

main().catch((error) => {
  log(`broke: ${error.stack ?? error}`);
  stopAll();
  process.exit(1);
});

// Stray listeners must never keep the run alive past its budget.
setTimeout(() => {
  log("the run took longer than 15 minutes; stopping");
  stopAll();
  process.exit(1);
}, 15 * 60_000).unref();

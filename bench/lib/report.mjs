/** The table `npm run bench` prints, and the targets of issue 7 it is read against. */

export const TARGETS = {
  addedP50Ms: 0.4,
  addedP99Ms: 1,
  throughputRatio: 0.5,
  addedFirstTokenP50Ms: 0.5,
  concurrentStreams: 512,
  translationUsPerChunk: 5,
  idleRssMb: 70,
  loadRssMb: 150,
};

const number = (value, digits = 3) =>
  typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "–";
/** A difference with its sign: +0.120, -0.034. */
const signed = (value, digits = 3) =>
  typeof value === "number" && Number.isFinite(value)
    ? `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`
    : "–";
const verdict = (ok) => (ok === undefined ? "" : ok ? "meets" : "MISSES");

function table(rows) {
  const header = ["figure", "direct", "gateway", "added / ratio", "target", ""];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => String(row[column] ?? "").length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => String(cell ?? "").padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

function latencyRows(label, pair, gatewayKey) {
  const direct = pair?.direct;
  const gateway = pair?.[gatewayKey];
  if (!direct || !gateway) return [[`${label}`, "", "", "not measured (route absent in this build)", "", ""]];
  const addedP50 = gateway.p50 - direct.p50;
  const addedP99 = gateway.p99 - direct.p99;
  return [
    [
      `${label} p50 ms`,
      number(direct.p50),
      number(gateway.p50),
      `${signed(addedP50)}`,
      `≤ ${TARGETS.addedP50Ms}`,
      verdict(addedP50 <= TARGETS.addedP50Ms),
    ],
    [
      `${label} p99 ms`,
      number(direct.p99),
      number(gateway.p99),
      `${signed(addedP99)}`,
      `≤ ${TARGETS.addedP99Ms}`,
      verdict(addedP99 <= TARGETS.addedP99Ms),
    ],
  ];
}

export function printReport(results) {
  const { machine } = results;
  const rows = [];
  const latency = results.latency ?? {};
  rows.push(...latencyRows("OpenAI route, small", latency.small, "openai"));
  rows.push(...latencyRows("OpenAI route, 38 KB agent turn", latency.agent, "openai"));
  rows.push(...latencyRows("native route, small", latency.small, "native"));
  if (latency.small?.native)
    rows.push(...latencyRows("native route, 38 KB agent turn", latency.agent, "native"));
  if (latency.small?.direct?.cpuUsPer !== undefined) {
    rows.push([
      "  CPU µs per request (fake / gateway)",
      number(latency.small.direct.cpuUsPer, 0),
      number(latency.small.openai?.cpuUsPer, 0),
      "",
      "",
      "",
    ]);
  }
  if (latency.crossCheck) {
    const { direct, openai } = latency.crossCheck;
    rows.push([
      "  cross-check (node client) p50 ms",
      number(direct.p50),
      number(openai.p50),
      `${signed(openai.p50 - direct.p50)}`,
      "",
      "",
    ]);
  }
  const info = results.infoLogging;
  if (info?.latency && latency.small?.direct) {
    const direct = latency.small.direct;
    rows.push([
      "  same at LOG_LEVEL=info p50/p99 ms",
      "",
      `${number(info.latency.p50)}/${number(info.latency.p99)}`,
      `${signed(info.latency.p50 - direct.p50)}/${signed(info.latency.p99 - direct.p99)}`,
      "",
      "",
    ]);
  }

  const throughput = results.throughput ?? {};
  if (throughput.direct && throughput.openai) {
    const ratio = throughput.openai.requestsPerSecond / throughput.direct.requestsPerSecond;
    rows.push([
      `throughput req/s (${throughput.direct.connections} conns)`,
      number(throughput.direct.requestsPerSecond, 0),
      number(throughput.openai.requestsPerSecond, 0),
      `× ${number(ratio, 2)}`,
      `≥ × ${TARGETS.throughputRatio}`,
      verdict(ratio >= TARGETS.throughputRatio),
    ]);
    if (throughput.direct.cpuUsPer !== undefined) {
      rows.push([
        "  CPU µs per request at saturation",
        number(throughput.direct.cpuUsPer, 0),
        number(throughput.openai.cpuUsPer, 0),
        `× ${number(throughput.openai.cpuUsPer / throughput.direct.cpuUsPer, 1)}`,
        "",
        "",
      ]);
    }
    if (throughput.native) {
      const nativeRatio = throughput.native.requestsPerSecond / throughput.direct.requestsPerSecond;
      rows.push([
        "  native route req/s",
        "",
        number(throughput.native.requestsPerSecond, 0),
        `× ${number(nativeRatio, 2)}`,
        `≥ × ${TARGETS.throughputRatio}`,
        verdict(nativeRatio >= TARGETS.throughputRatio),
      ]);
    }
    if (info?.throughput) {
      rows.push([
        "  same at LOG_LEVEL=info",
        "",
        number(info.throughput.requestsPerSecond, 0),
        `× ${number(info.throughput.requestsPerSecond / throughput.direct.requestsPerSecond, 2)}`,
        "",
        "",
      ]);
    }
  }

  const firstToken = results.firstToken ?? {};
  for (const [route, label] of [
    ["openai", "OpenAI route"],
    ["native", "native route"],
  ]) {
    const direct = firstToken.direct?.firstToken;
    const gateway = firstToken[route]?.firstToken;
    if (!direct || !gateway) continue;
    const added = gateway.p50 - direct.p50;
    rows.push([
      `first token p50 ms, ${label} (short stream)`,
      number(direct.p50),
      number(gateway.p50),
      `${signed(added)}`,
      `≤ ${TARGETS.addedFirstTokenP50Ms}`,
      verdict(added <= TARGETS.addedFirstTokenP50Ms),
    ]);
    rows.push([
      `first token p99 ms, ${label} (short stream)`,
      number(direct.p99),
      number(gateway.p99),
      `${signed(gateway.p99 - direct.p99)}`,
      "",
      "",
    ]);
  }
  const paced = results.pacedStream ?? {};
  for (const [route, label] of [
    ["openai", "OpenAI"],
    ["native", "native"],
  ]) {
    const direct = paced.direct;
    const gateway = paced[route];
    if (!direct || !gateway) continue;
    const pair = (key, title, digits = 3) =>
      rows.push([
        `paced stream, ${label}: ${title}`,
        number(direct[key], digits),
        number(gateway[key], digits),
        `${signed(gateway[key] - direct[key], digits)}`,
        "",
        "",
      ]);
    pair("firstTokenMs", "first token ms");
    pair("transitP50Ms", "chunk transit p50 ms");
    pair("transitP99Ms", "chunk transit p99 ms");
    pair("gapMaxMs", "longest gap ms (paced 20)");
  }
  for (const [streams, pair] of Object.entries(results.concurrentStreams ?? {})) {
    if (!pair.direct || !pair.openai) {
      rows.push([`${streams} paced streams`, "", "", `broke: ${pair.error ?? ""}`, "", ""]);
      continue;
    }
    const { direct, openai } = pair;
    const ok = openai.dropped === 0 && openai.lateChunks === 0;
    const targetText = Number(streams) >= TARGETS.concurrentStreams ? "0 dropped, 0 late" : "";
    rows.push([
      `${streams} paced streams: dropped / late chunks`,
      `${direct.dropped} / ${direct.lateChunks}`,
      `${openai.dropped} / ${openai.lateChunks}`,
      `peak ${openai.peakConcurrency} open`,
      targetText,
      targetText ? verdict(ok) : "",
    ]);
    rows.push([
      `  first token p50/p99/max ms`,
      `${number(direct.firstToken.p50, 1)}/${number(direct.firstToken.p99, 1)}/${number(direct.firstToken.max, 1)}`,
      `${number(openai.firstToken.p50, 1)}/${number(openai.firstToken.p99, 1)}/${number(openai.firstToken.max, 1)}`,
      "",
      "",
      "",
    ]);
    if (openai.cpuUsPer !== undefined) {
      rows.push([
        `  CPU µs per chunk (fake / gateway)`,
        number(direct.cpuUsPer, 1),
        number(openai.cpuUsPer, 1),
        "",
        "",
        "",
      ]);
    }
    rows.push([
      `  chunk transit p50/p99/max ms`,
      `${number(direct.transit.p50, 2)}/${number(direct.transit.p99, 2)}/${number(direct.transit.max, 1)}`,
      `${number(openai.transit.p50, 2)}/${number(openai.transit.p99, 2)}/${number(openai.transit.max, 1)}`,
      `${signed(openai.transit.p50 - direct.transit.p50, 2)} p50`,
      "",
      "",
    ]);
  }

  const translation = results.translation ?? {};
  if (translation.convert) {
    rows.push([
      "translation µs per chunk (convert)",
      "",
      number(translation.convert.medianUs, 2),
      "",
      `≤ ${TARGETS.translationUsPerChunk}`,
      verdict(translation.convert.medianUs <= TARGETS.translationUsPerChunk),
    ]);
    rows.push([
      "  + JSON.stringify and SSE framing",
      "",
      number(translation.convertAndSerialize.medianUs, 2),
      "",
      "",
      "",
    ]);
    rows.push(["  whole relay: SSE parse → frame", "", number(translation.relay.medianUs, 2), "", "", ""]);
  }

  const memory = results.memory ?? {};
  const peakLoad = Math.max(
    ...["underThroughputLoadMb", "under128StreamsMb", "under512StreamsMb", "underSecondRoundMb"].map(
      (key) => memory[key] ?? 0,
    ),
  );
  rows.push([
    "RSS MB idle (at start / warmed)",
    number(memory.fakeIdleMb, 1),
    `${number(memory.idleAtStartMb, 1)} / ${number(memory.idleWarmMb, 1)}`,
    "",
    `≤ ${TARGETS.idleRssMb}`,
    verdict(memory.idleAtStartMb <= TARGETS.idleRssMb),
  ]);
  rows.push([
    "RSS MB peak under load",
    "",
    number(peakLoad, 1),
    `req ${number(memory.underThroughputLoadMb, 0)}, 512 streams ${number(memory.under512StreamsMb, 0)}`,
    `≤ ${TARGETS.loadRssMb}`,
    verdict(peakLoad <= TARGETS.loadRssMb),
  ]);
  rows.push([
    "RSS MB 10 s after load / after 2nd round",
    "",
    `${number(memory.afterLoadMb, 1)} / ${number(memory.afterSecondRoundMb, 1)}`,
    `creep ${number((memory.afterSecondRoundMb ?? Number.NaN) - (memory.afterLoadMb ?? Number.NaN), 1)}`,
    "",
    "",
  ]);

  const busy =
    machine.loadAverageAtStart?.[0] >= 0.7 * machine.cores ||
    machine.loadAverageAtEnd?.[0] >= 1.5 * machine.cores;
  const lines = [
    "",
    `gemini-rotator bench: ${machine.cores} × ${machine.cpu}, ${machine.os}, Node ${machine.node}, commit ${machine.commit?.slice(0, 12) ?? "?"}${machine.uncommittedChanges ? ` (+${machine.uncommittedChanges} uncommitted)` : ""}`,
    `load generator: ${results.options.generator === "wrk" ? `wrk ${machine.wrk}` : `${results.options.generator} and the node hrtime client`}; fake upstream: bench/fake-gemini.mjs; gateway LOG_LEVEL=warn${machine.gatewayNodeArguments?.length ? `, node ${machine.gatewayNodeArguments.join(" ")}` : ""}; ${results.durationSeconds} s`,
    `load average (1/5/15 min) at start ${machine.loadAverageAtStart?.join(" ")}, at end ${machine.loadAverageAtEnd?.join(" ")}${busy ? "  ← other work shared the machine: wall-clock figures are pessimistic, CPU per request holds better" : ""}`,
    "",
    table(rows),
    "",
    "direct = the same work sent straight to the fake; added = gateway − direct (latencies compared percentile by percentile).",
    "late chunk = reached the client more than 20 ms (one pacing gap) after the fake wrote it.",
  ];
  if (results.failures?.length)
    lines.push(
      `BROKEN PHASES: ${results.failures.map((failure) => `${failure.phase}: ${failure.error}`).join("; ")}`,
    );
  process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Per-chunk translation cost, over recorded Gemini stream chunks (bench/fixtures/recorded-streams.json),
 * calling the BUILT converter (`dist/protocols/openai-chat/convert-gemini-stream.js`). Each stream's output is
 * checked against what its input says before anything is timed: the text and reasoning concatenate to
 * the input's, tool calls come out whole with their names and arguments, role on the first chunk, one
 * finish with the expected reason, usage once and last.
 *
 * Three figures per run, each in µs per Gemini chunk:
 * - `convert`: `createChatStreamConverter(...).push(chunk)` alone (the "translation per chunk");
 * - `convertAndSerialize`: plus `JSON.stringify` of every OpenAI chunk and the SSE framing, which the
 *   gateway also does for every chunk;
 * - `relay`: the whole per-chunk CPU path of a stream, bytes in to bytes out: `readGeminiStream` on
 *   CRLF-framed SSE bytes (decode, SSE parse, JSON.parse), convert, serialize, frame.
 *
 * Run: `node bench/translate-micro.mjs [--dist dist] [--json]`.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const argumentsList = process.argv.slice(2);
const distFolder = resolve(
  argumentsList.includes("--dist")
    ? argumentsList[argumentsList.indexOf("--dist") + 1]
    : join(here, "..", "dist"),
);
const asJson = argumentsList.includes("--json");

const importBuilt = (path) => import(pathToFileURL(join(distFolder, path)).href);
const { createChatStreamConverter } = await importBuilt("protocols/openai-chat/convert-gemini-stream.js");
const { createToolNameMap } = await importBuilt("translate/tool-name-map.js");
const { readGeminiStream } = await importBuilt("upstream/read-gemini-stream.js");

const { streams } = JSON.parse(readFileSync(join(here, "fixtures", "recorded-streams.json"), "utf8"));

let toolCallCounter = 0;
const contextFor = (model) => ({
  id: "chatcmpl-bench",
  created: 1_700_000_000,
  model,
  includeUsage: true,
  toolNames: createToolNameMap([]),
  reasoningOutput: "reasoning_content",
  newToolCallId: () => `call_${toolCallCounter++}`,
});

function convertAll(chunks) {
  const converter = createChatStreamConverter(contextFor("gemini-2.5-flash"));
  const output = [];
  for (const chunk of chunks) output.push(...converter.push(chunk));
  output.push(...converter.finish());
  return output;
}

/** What the output must say, read from the input alone. */
function expectationOf(chunks) {
  let content = "";
  let reasoning = "";
  const toolCalls = [];
  let finishReason;
  let usage;
  for (const chunk of chunks) {
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
    for (const candidate of chunk.candidates ?? []) {
      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall) {
          toolCalls.push({
            name: part.functionCall.name,
            arguments: JSON.stringify(part.functionCall.args ?? {}),
          });
        } else if (typeof part.text === "string") {
          if (part.thought === true) reasoning += part.text;
          else content += part.text;
        }
      }
      if (candidate.finishReason) finishReason = candidate.finishReason;
    }
  }
  const expectedFinish =
    toolCalls.length > 0 ? "tool_calls" : finishReason === "MAX_TOKENS" ? "length" : "stop";
  return { content, reasoning, toolCalls, finishReason: expectedFinish, hasUsage: usage !== undefined };
}

function check(name, chunks, output) {
  const expected = expectationOf(chunks);
  const problems = [];
  let content = "";
  let reasoning = "";
  const toolCalls = [];
  const finishes = [];
  const usageChunks = [];
  output.forEach((chunk, position) => {
    if (chunk.object !== "chat.completion.chunk" || chunk.id !== "chatcmpl-bench") problems.push("envelope");
    if (chunk.usage) usageChunks.push(position);
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      if (position === 0 && delta.role !== "assistant") problems.push("no role on the first chunk");
      if (delta.content === "") problems.push("empty content delta");
      content += delta.content ?? "";
      reasoning += delta.reasoning_content ?? "";
      for (const call of delta.tool_calls ?? []) {
        toolCalls.push({ name: call.function.name, arguments: call.function.arguments });
        if (!call.id || call.type !== "function") problems.push("tool call without id or type");
      }
      if (choice.finish_reason !== null) finishes.push(choice.finish_reason);
    }
  });
  if (content !== expected.content) problems.push(`content ${JSON.stringify(content)}`);
  if (reasoning !== expected.reasoning) problems.push(`reasoning ${JSON.stringify(reasoning)}`);
  if (JSON.stringify(toolCalls) !== JSON.stringify(expected.toolCalls)) problems.push("tool calls differ");
  if (finishes.length !== 1 || finishes[0] !== expected.finishReason) problems.push(`finishes ${finishes}`);
  if (usageChunks.length !== 1 || usageChunks[0] !== output.length - 1)
    problems.push("usage not once and last");
  if (problems.length > 0) throw new Error(`translation check failed for ${name}: ${problems.join("; ")}`);
}

/** The stream as Gemini puts it on the wire: one `data:` line per chunk, CRLF-framed. */
const wireEventsOf = (chunks) => chunks.map((chunk) => Buffer.from(`data: ${JSON.stringify(chunk)}\r\n\r\n`));

async function* arriving(buffers) {
  for (const buffer of buffers) yield buffer;
}

/** The relay's per-chunk work: bytes in, OpenAI SSE text out (held in a counter so it is not optimized away). */
async function relayOnce(wireEvents) {
  const converter = createChatStreamConverter(contextFor("gemini-2.5-flash"));
  let bytes = 0;
  for await (const chunk of readGeminiStream(arriving(wireEvents))) {
    for (const openAIChunk of converter.push(chunk))
      bytes += `data: ${JSON.stringify(openAIChunk)}\n\n`.length;
  }
  for (const openAIChunk of converter.finish()) bytes += `data: ${JSON.stringify(openAIChunk)}\n\n`.length;
  return bytes;
}

const names = Object.keys(streams);
for (const name of names) check(name, streams[name], convertAll(streams[name]));
const relayCheck = await relayOnce(wireEventsOf(streams.flashTextStream));
if (relayCheck < 100) throw new Error("relay check produced no output");

const allChunks = names.flatMap((name) => streams[name]);
const chunksPerRound = allChunks.length;

/** Runs `round` until `minimumMs` passes, several times; answers the best and the median µs per chunk. */
async function time(round, { rounds = 7, minimumMs = 300 } = {}) {
  let sink = 0;
  const startedWarmup = performance.now();
  while (performance.now() - startedWarmup < 200) sink += await round();
  const perChunk = [];
  for (let index = 0; index < rounds; index++) {
    let iterations = 0;
    const startedAt = performance.now();
    let elapsed = 0;
    while (elapsed < minimumMs) {
      sink += await round();
      iterations++;
      elapsed = performance.now() - startedAt;
    }
    perChunk.push((elapsed * 1000) / (iterations * chunksPerRound));
  }
  perChunk.sort((left, right) => left - right);
  if (sink === -1) console.log("unreachable");
  return { bestUs: perChunk[0], medianUs: perChunk[Math.floor(perChunk.length / 2)] };
}

const convert = await time(() => {
  let produced = 0;
  for (const name of names) {
    const converter = createChatStreamConverter(contextFor("gemini-2.5-flash"));
    for (const chunk of streams[name]) produced += converter.push(chunk).length;
    produced += converter.finish().length;
  }
  return produced;
});

const convertAndSerialize = await time(() => {
  let bytes = 0;
  for (const name of names) {
    const converter = createChatStreamConverter(contextFor("gemini-2.5-flash"));
    for (const chunk of streams[name]) {
      for (const openAIChunk of converter.push(chunk))
        bytes += `data: ${JSON.stringify(openAIChunk)}\n\n`.length;
    }
    for (const openAIChunk of converter.finish()) bytes += `data: ${JSON.stringify(openAIChunk)}\n\n`.length;
  }
  return bytes;
});

const wireStreams = names.map((name) => wireEventsOf(streams[name]));
const relay = await time(async () => {
  let bytes = 0;
  for (const wireEvents of wireStreams) bytes += await relayOnce(wireEvents);
  return bytes;
});

const meanChunkBytes = Math.round(
  wireStreams.flat().reduce((sum, buffer) => sum + buffer.length, 0) / chunksPerRound,
);
const result = {
  dist: distFolder,
  streams: names,
  chunksPerRound,
  meanChunkBytes,
  checked: true,
  convert,
  convertAndSerialize,
  relay,
};
if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  console.log(
    `recorded streams: ${names.length}, ${chunksPerRound} chunks, mean ${meanChunkBytes} B on the wire; output checked`,
  );
  for (const [label, figure] of Object.entries({ convert, convertAndSerialize, relay })) {
    console.log(
      `${label.padEnd(20)} median ${figure.medianUs.toFixed(2)} µs/chunk   best ${figure.bestUs.toFixed(2)}`,
    );
  }
}

/**
 * OpenAI chat streams as clients read them: the chunks of a `/v1/chat/completions` stream, the stream
 * invariants every client relies on (role first, no empty content deltas, one finish per choice, usage
 * once and last, tool calls announced with id, type and name, `[DONE]` and then the end of the body),
 * and small readers for what the chunks say (content, reasoning, tool calls put together).
 */
import type { OpenAIChatCompletionChunk } from "../../src/openai/types.js";
import { type HttpAnswer, postJson, TEST_ACCESS_TOKEN } from "./http.js";
import { blocksOf, postSse, type SseAnswer, type SseStream } from "./sse.js";

export type ChunkJson = OpenAIChatCompletionChunk & Record<string, any>;

/** What a chat stream says, read from its SSE events. */
export interface ChatStreamEvents {
  /** The JSON of every event before `[DONE]` (error events included). */
  payloads: Array<Record<string, any>>;
  /** Whether `data: [DONE]` arrived. */
  done: boolean;
  /** What came after `[DONE]` (events and comments); a correct stream has nothing. */
  afterDone: string[];
}

export type ChatStreamAnswer = SseAnswer & ChatStreamEvents;

/** Splits a stream at `[DONE]`: the payloads before it, and anything after it. */
export function chatStreamOf<T extends SseStream>(stream: T): T & ChatStreamEvents {
  const doneAt = stream.events.findIndex((event) => event.data === "[DONE]");
  const before = doneAt === -1 ? stream.events : stream.events.slice(0, doneAt);
  const afterDone =
    doneAt === -1
      ? []
      : [
          ...stream.events.slice(doneAt + 1).map((event) => `data: ${event.data}`),
          ...stream.comments
            .filter((comment) => comment.afterEvents > doneAt)
            .map((comment) => `:${comment.text}`),
        ];
  return {
    ...stream,
    payloads: before.map((event) => event.json ?? { unparsable: event.data }),
    done: doneAt !== -1,
    afterDone,
  };
}

/** The headers openai-node and the agents built on it send with every chat request. */
const CHAT_CLIENT_HEADERS = { accept: "application/json" };

/** POSTs a chat request to `/v1/chat/completions` as a client does and reads the whole answer. */
export function postChat(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  token = TEST_ACCESS_TOKEN,
): Promise<HttpAnswer> {
  return postJson(`${url}/v1/chat/completions`, body, { ...CHAT_CLIENT_HEADERS, ...headers }, { token });
}

/** POSTs a chat request to `/v1/chat/completions` as a client does and reads the answer as a chat stream. */
export async function postChatStream(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  token = TEST_ACCESS_TOKEN,
): Promise<ChatStreamAnswer> {
  const answer = await postSse(
    `${url}/v1/chat/completions`,
    body,
    { ...CHAT_CLIENT_HEADERS, ...headers },
    { token },
  );
  return chatStreamOf(answer);
}

export interface ChatStreamExpectations {
  model: string;
  includeUsage?: boolean;
}

/**
 * The wire invariants (status 200, `text/event-stream`, JSON `data:` lines only, comments allowed, no
 * `event:`, `id:` or `retry:` line, no error event, `[DONE]` and nothing after it, `index: 0` on every
 * choice), then `assertChatChunkInvariants` on the chunks. Returns the chunks.
 */
export function expectChatStreamInvariants(
  answer: ChatStreamAnswer,
  expected: ChatStreamExpectations,
): ChunkJson[] {
  const problems: string[] = [];
  if (answer.status !== 200) problems.push(`status ${answer.status}: ${answer.text.slice(0, 500)}`);
  if (!/^text\/event-stream/.test(answer.headers.get("content-type") ?? "")) {
    problems.push(`content-type ${answer.headers.get("content-type")}`);
  }
  if (/^(event|id|retry):/m.test(answer.text)) problems.push("an event:/id:/retry: line");
  for (const block of blocksOf(answer.text)) {
    const lines = block.split(/\r?\n/);
    if (lines.length !== 1) problems.push(`an event of ${lines.length} lines: ${block.slice(0, 200)}`);
    if (!block.startsWith("data: ") && !block.startsWith(":")) problems.push(`not a data line: ${block}`);
  }
  if (answer.unterminated !== "") problems.push(`an event never ended: ${answer.unterminated}`);
  if (!answer.done) problems.push("no data: [DONE]");
  if (answer.afterDone.length > 0) problems.push(`events after [DONE]: ${answer.afterDone.join(" | ")}`);
  const errors = answer.payloads.filter((payload) => payload.error !== undefined);
  if (errors.length > 0) problems.push(`error events: ${JSON.stringify(errors)}`);
  if (problems.length > 0) throw new Error(`stream invariants broken:\n${problems.join("\n")}`);

  const chunks = answer.payloads as ChunkJson[];
  for (const chunk of chunks) {
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) problems.push(`choice index ${choice.index}`);
    }
  }
  if (problems.length > 0) throw new Error(`stream invariants broken:\n${problems.join("\n")}`);
  assertChatChunkInvariants(chunks, {
    id: chunks[0]?.id ?? "",
    model: expected.model,
    includeUsage: expected.includeUsage ?? true,
  });
  return chunks;
}

export interface ChunkInvariantOptions {
  id: string;
  model: string;
  includeUsage: boolean;
}

/**
 * The invariants of the chunks themselves, as the OpenAI SDK, the AI SDK's chunk schema and Roo's
 * tool-call tracker need them: one id and model; the role first and only first on each choice; no
 * empty content or reasoning delta; exactly one finish per choice and nothing after it; usage at most
 * once, on the last chunk, with no choices and prompt + completion = total; each tool call's first
 * delta carries a `call_` id, the type, the name and non-empty arguments; call ids never repeat; tool
 * call indexes count 0, 1, 2… within a choice.
 */
export function assertChatChunkInvariants(
  chunks: readonly OpenAIChatCompletionChunk[],
  options: ChunkInvariantOptions,
): void {
  const problems: string[] = [];
  const finishes = new Map<number, number>();
  const seenChoices = new Set<number>();
  const toolCallCounts = new Map<number, number>();
  const toolCallIds = new Set<string>();

  chunks.forEach((chunk, position) => {
    const where = `chunk ${position}`;
    if (chunk.id !== options.id) problems.push(`${where}: id ${chunk.id}`);
    if (chunk.object !== "chat.completion.chunk") problems.push(`${where}: object ${chunk.object}`);
    if (!Number.isInteger(chunk.created))
      problems.push(`${where}: created ${chunk.created} is not an integer`);
    if (chunk.model !== options.model) problems.push(`${where}: model ${chunk.model}`);
    if (!Array.isArray(chunk.choices)) problems.push(`${where}: choices is not an array`);
    if (chunk.usage !== undefined && chunk.usage !== null) {
      if (position !== chunks.length - 1) problems.push(`${where}: usage before the last chunk`);
      if (chunk.choices.length !== 0) problems.push(`${where}: the usage chunk has choices`);
      const usage = chunk.usage;
      if (usage.prompt_tokens + usage.completion_tokens !== usage.total_tokens) {
        problems.push(`${where}: prompt + completion != total`);
      }
    }
    for (const choice of chunk.choices) {
      if (typeof choice.index !== "number") problems.push(`${where}: choice without index`);
      const delta = choice.delta;
      if (!seenChoices.has(choice.index)) {
        seenChoices.add(choice.index);
        if (delta.role !== "assistant")
          problems.push(`${where}: first chunk of choice ${choice.index} has no role`);
      } else if (delta.role !== undefined) {
        problems.push(`${where}: role repeated on choice ${choice.index}`);
      }
      if (delta.content === "") problems.push(`${where}: empty content delta`);
      if (delta.reasoning_content === "") problems.push(`${where}: empty reasoning delta`);
      if (finishes.has(choice.index))
        problems.push(`${where}: output after the finish of choice ${choice.index}`);
      if (choice.finish_reason !== null) finishes.set(choice.index, (finishes.get(choice.index) ?? 0) + 1);
      for (const toolCall of delta.tool_calls ?? []) {
        if (typeof toolCall.index !== "number") problems.push(`${where}: tool call without index`);
        if (typeof toolCall.function !== "object")
          problems.push(`${where}: tool call without function object`);
        const announced = toolCallCounts.get(choice.index) ?? 0;
        const key = `${choice.index}/${toolCall.index}`;
        if (toolCall.index > announced) problems.push(`${where}: call ${key} skips index ${announced}`);
        if (toolCall.index !== announced) continue;
        toolCallCounts.set(choice.index, announced + 1);
        if (!toolCall.id?.startsWith("call_"))
          problems.push(`${where}: first delta of call ${key} has no id`);
        if (toolCall.type !== "function") problems.push(`${where}: first delta of call ${key} has no type`);
        if (!toolCall.function.name) problems.push(`${where}: first delta of call ${key} has no name`);
        if (!toolCall.function.arguments) problems.push(`${where}: call ${key} has empty arguments`);
        if (toolCall.id !== undefined) {
          if (toolCallIds.has(toolCall.id)) problems.push(`${where}: repeated tool call id ${toolCall.id}`);
          toolCallIds.add(toolCall.id);
        }
      }
    }
  });

  for (const index of seenChoices) {
    if (finishes.get(index) !== 1)
      problems.push(`choice ${index}: ${finishes.get(index) ?? 0} finish reasons`);
  }
  if (seenChoices.size === 0) problems.push("no choice at all");
  const usageChunks = chunks.filter((chunk) => chunk.usage !== undefined && chunk.usage !== null).length;
  if (usageChunks !== (options.includeUsage ? 1 : 0)) problems.push(`${usageChunks} usage chunks`);
  if (problems.length > 0) throw new Error(`stream invariants broken:\n${problems.join("\n")}`);
}

/** Feeds a chunk sequence to a fresh converter and returns everything it wrote, end included. */
export function runStream<
  T extends { push(chunk: C): OpenAIChatCompletionChunk[]; finish(): OpenAIChatCompletionChunk[] },
  C,
>(converter: T, chunks: readonly C[]): OpenAIChatCompletionChunk[] {
  const output: OpenAIChatCompletionChunk[] = [];
  for (const chunk of chunks) output.push(...converter.push(chunk));
  output.push(...converter.finish());
  return output;
}

/** The choice deltas of a stream, in order. */
export function deltasOf(chunks: readonly ChunkJson[]): Array<Record<string, any>> {
  return chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta as Record<string, any>));
}

export function contentOf(chunks: readonly ChunkJson[]): string {
  return deltasOf(chunks)
    .map((delta) => delta.content ?? "")
    .join("");
}

export function reasoningOf(chunks: readonly ChunkJson[]): string {
  return deltasOf(chunks)
    .map((delta) => delta.reasoning_content ?? "")
    .join("");
}

export function finishReasonOf(chunks: readonly ChunkJson[]): string | null | undefined {
  return chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).find(Boolean);
}

export function usageOf(chunks: readonly ChunkJson[]): Record<string, any> {
  return chunks.at(-1)?.usage as Record<string, any>;
}

/** Every tool-call delta, with the chunk position it came in. */
export function toolCallDeltasOf(chunks: readonly ChunkJson[]) {
  return chunks.flatMap((chunk, position) =>
    chunk.choices.flatMap((choice) =>
      (choice.delta.tool_calls ?? []).map((toolCall) => ({
        position,
        toolCall: toolCall as Record<string, any>,
      })),
    ),
  );
}

/** Tool calls put together as a client does (by index): id, name, joined arguments, signature. */
export function assembleToolCalls(chunks: readonly ChunkJson[]) {
  const calls: Array<{ id: string; name: string; arguments: string; signature?: string }> = [];
  for (const { toolCall } of toolCallDeltasOf(chunks)) {
    const index = toolCall.index as number;
    calls[index] ??= { id: "", name: "", arguments: "" };
    const call = calls[index];
    if (toolCall.id) call.id = toolCall.id;
    if (toolCall.function?.name) call.name = toolCall.function.name;
    call.arguments += toolCall.function?.arguments ?? "";
    const signature = toolCall.extra_content?.google?.thought_signature;
    if (signature) call.signature = signature;
  }
  return calls;
}

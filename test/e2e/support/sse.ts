/**
 * Reading the gateway's SSE answers byte for byte, and the stream invariants S of
 * ../shared/reference/clients.md §7 checked on what actually crossed the wire.
 */
import type { OpenAIChatCompletionChunk } from "../../../src/openai/types.js";
import { assertStreamInvariants } from "../../unit/translate/stream-invariants.js";

/** Headers the replay cases send (clients.md §7): Cline 3, Roo Code, the AI SDK. */
const stainless = {
  "X-Stainless-Lang": "js",
  "X-Stainless-Package-Version": "6.21.0",
  "X-Stainless-OS": "Linux",
  "X-Stainless-Arch": "x64",
  "X-Stainless-Runtime": "node",
  "X-Stainless-Runtime-Version": "v24.21.0",
  "X-Stainless-Retry-Count": "0",
  "X-Stainless-Timeout": "600",
};
export const clientHeaders = {
  cline3: { "User-Agent": "Cline/3.89.2", ...stainless },
  roo: {
    "User-Agent": "RooCode/3.52.1",
    "X-Title": "Roo Code",
    "HTTP-Referer": "https://github.com/RooVetGit/Roo-Cline",
    ...stainless,
    "X-Stainless-Package-Version": "5.12.2",
  },
  aiSdk: { "User-Agent": "ai-sdk/openai-compatible/3.0.35" },
} as const;

export type ChunkJson = OpenAIChatCompletionChunk & Record<string, any>;

export interface StreamResult {
  status: number;
  headers: Headers;
  /** The whole body as received. */
  raw: string;
  /** The SSE events (blank-line separated blocks), comments included. */
  events: string[];
  /** The JSON of every `data:` event before `[DONE]` (error events included). */
  payloads: Array<Record<string, any>>;
  /** Whether `data: [DONE]` arrived, and whether anything followed it. */
  done: boolean;
  afterDone: string[];
}

/** How long a body may take to end; a server that keeps the socket open after [DONE] fails here. */
const BODY_TIMEOUT_MS = 10_000;

export async function postChat(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  token = "test",
): Promise<{ status: number; headers: Headers; raw: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), BODY_TIMEOUT_MS);
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${token}`,
        ...headers,
      },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const raw = await response.text();
    return { status: response.status, headers: response.headers, raw };
  } catch (error) {
    if (controller.signal.aborted) {
      throw new Error(`the response body did not end within ${BODY_TIMEOUT_MS} ms (connection left open?)`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Splits an SSE body (the gateway frames with `\n\n`) into events and their JSON payloads. */
export function parseSse(raw: string): Omit<StreamResult, "status" | "headers" | "raw"> {
  const events = raw
    .split(/\r?\n\r?\n/)
    .map((event) => event.replace(/^\r?\n+/, ""))
    .filter((event) => event !== "");
  const payloads: Array<Record<string, any>> = [];
  const afterDone: string[] = [];
  let done = false;
  for (const event of events) {
    if (done) {
      afterDone.push(event);
      continue;
    }
    if (!event.startsWith("data: ")) continue;
    const data = event.slice("data: ".length);
    if (data === "[DONE]") done = true;
    else payloads.push(JSON.parse(data));
  }
  return { events, payloads, done, afterDone };
}

export async function postChatStream(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  token = "test",
): Promise<StreamResult> {
  const response = await postChat(url, body, headers, token);
  return { ...response, ...parseSse(response.raw) };
}

export interface StreamExpectations {
  model: string;
  includeUsage?: boolean;
}

/**
 * The invariants S: SSE of JSON `data:` lines only (comments allowed), no `event:` line, `index: 0` on
 * every choice, role `assistant` only, exactly one usage chunk (the last, `choices: []`,
 * prompt + completion = total), exactly one finish_reason, `[DONE]` and then the end of the body. Also
 * the AI SDK's and Roo's needs (see stream-invariants.ts). Returns the chunks.
 */
export function expectStreamInvariants(result: StreamResult, expected: StreamExpectations): ChunkJson[] {
  const problems: string[] = [];
  if (result.status !== 200) problems.push(`status ${result.status}: ${result.raw.slice(0, 500)}`);
  if (!/^text\/event-stream/.test(result.headers.get("content-type") ?? "")) {
    problems.push(`content-type ${result.headers.get("content-type")}`);
  }
  if (/^(event|id|retry):/m.test(result.raw)) problems.push("an event:/id:/retry: line");
  for (const event of result.events) {
    const lines = event.split(/\r?\n/);
    if (lines.length !== 1) problems.push(`an event of ${lines.length} lines: ${event.slice(0, 200)}`);
    if (!event.startsWith("data: ") && !event.startsWith(":")) problems.push(`not a data line: ${event}`);
  }
  if (!result.done) problems.push("no data: [DONE]");
  if (result.afterDone.length > 0) problems.push(`events after [DONE]: ${result.afterDone.join(" | ")}`);
  const errors = result.payloads.filter((payload) => payload.error !== undefined);
  if (errors.length > 0) problems.push(`error events: ${JSON.stringify(errors)}`);
  if (problems.length > 0) throw new Error(`stream invariants broken:\n${problems.join("\n")}`);

  const chunks = result.payloads as ChunkJson[];
  for (const chunk of chunks) {
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) problems.push(`choice index ${choice.index}`);
    }
  }
  const withUsage = chunks.filter((chunk) => chunk.usage != null);
  if ((expected.includeUsage ?? true) && withUsage.length !== 1)
    problems.push(`${withUsage.length} usage chunks`);
  if (problems.length > 0) throw new Error(`stream invariants broken:\n${problems.join("\n")}`);
  assertStreamInvariants(chunks, {
    id: chunks[0]?.id ?? "",
    model: expected.model,
    includeUsage: expected.includeUsage ?? true,
  });
  return chunks;
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

import type { Response } from "express";
import { dispatch } from "../dispatch/dispatch.js";
import type { GeminiGenerateContentResponse, GeminiUsageMetadata } from "../gemini/wire-types.js";
import { SseWriter } from "../http/sse-writer.js";
import { classifyUpstreamError } from "../keys/classify-upstream-error.js";
import type { KeyLease } from "../keys/key-pool.js";
import type { OpenAIChatCompletionChunk, OpenAIErrorBody } from "../openai/types.js";
import { createChatStreamConverter } from "../translate/convert-gemini-stream.js";
import type { ConvertedChatRequest } from "../translate/convert-openai-request.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { readGeminiStream } from "../upstream/read-gemini-stream.js";
import { UpstreamError } from "../upstream/upstream-error.js";
import { type ChatCall, newToolCallId, recordUsage, sendGenerate } from "./chat-call.js";

/** Long silent thinking: a comment this often keeps clients' body timeouts (about 300 s in undici) at bay. */
const KEEPALIVE_INTERVAL_MS = 15_000;
const EMPTY_ANSWER_RETRIES = 1;

interface OpenedStream {
  first: GeminiGenerateContentResponse;
  rest: AsyncGenerator<GeminiGenerateContentResponse, void, undefined>;
}

/** Opens one upstream stream and waits for its first event, so a failure can still move to another key. */
async function openStream(call: ChatCall): Promise<{ value: OpenedStream; lease: KeyLease }> {
  return dispatch(call.dispatcher, { model: call.model, signal: call.signal }, async (lease) => {
    const attempt = await sendGenerate(call, lease, true);
    const events = readGeminiStream(attempt.body, call.gateway.redact);
    try {
      const first = await events.next();
      attempt.started();
      if (first.done) throw new UpstreamError("stream", "upstream stream ended before its first event");
      return { first: first.value, rest: events };
    } catch (error) {
      attempt.started();
      if (attempt.signal.aborted) throw attempt.failure(error);
      throw error;
    }
  });
}

async function* chain<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  yield first;
  yield* rest;
}

function hasSubstance(chunk: OpenAIChatCompletionChunk): boolean {
  return chunk.choices.some(
    (choice) =>
      Boolean(choice.delta.content) ||
      Boolean(choice.delta.reasoning_content) ||
      Boolean(choice.delta.tool_calls?.length),
  );
}

function streamErrorBody(error: unknown): OpenAIErrorBody {
  const message = error instanceof Error ? error.message : String(error);
  return {
    error: {
      message: `Upstream stream interrupted: ${message}`,
      type: "server_error",
      code: "upstream_error",
      param: null,
    },
  };
}

/**
 * A streaming chat completion. The status line goes out only once the upstream's first event arrived;
 * from then on a failure becomes an SSE error event, never a silent `stop`. Output is held back until
 * it has substance, so an upstream answer that turns out empty can be retried once unseen.
 */
export async function streamChat(
  call: ChatCall,
  converted: ConvertedChatRequest,
  response: Response,
): Promise<void> {
  const writer = new SseWriter(response);
  let lastWrite = Date.now();
  const keepalive = setInterval(() => {
    if (Date.now() - lastWrite >= KEEPALIVE_INTERVAL_MS) {
      lastWrite = Date.now();
      void writer.comment("ping");
    }
  }, KEEPALIVE_INTERVAL_MS / 3);
  keepalive.unref();

  const write = async (chunks: readonly OpenAIChatCompletionChunk[]) => {
    for (const chunk of chunks) await writer.data(JSON.stringify(chunk));
    if (chunks.length > 0) lastWrite = Date.now();
  };

  try {
    for (let round = 0; round <= EMPTY_ANSWER_RETRIES; round++) {
      let opened: { value: OpenedStream; lease: KeyLease };
      try {
        opened = await openStream(call);
      } catch (error) {
        if (!writer.isOpen) throw error;
        await writer.data(JSON.stringify(streamErrorBody(error)));
        return;
      }
      if (!writer.isOpen) writer.open();

      const converter = createChatStreamConverter({
        id: call.id,
        created: call.created,
        model: call.model,
        includeUsage: converted.includeUsage,
        toolNames: converted.toolNames,
        reasoningOutput: call.gateway.config.reasoningOutput,
        newToolCallId,
      });
      const held: OpenAIChatCompletionChunk[] = [];
      let substantive = false;
      let usage: GeminiUsageMetadata | undefined;
      const emit = async (chunks: OpenAIChatCompletionChunk[]) => {
        if (substantive) return write(chunks);
        held.push(...chunks);
        if (chunks.some(hasSubstance)) {
          substantive = true;
          await write(held.splice(0));
        }
      };

      try {
        for await (const chunk of chain(opened.value.first, opened.value.rest)) {
          if (chunk.usageMetadata) usage = chunk.usageMetadata;
          await emit(converter.push(chunk));
          if (writer.isClosed) throw new ClientGoneError("client disconnected");
        }
      } catch (error) {
        recordUsage(call, opened.lease.id, usage);
        if (error instanceof ClientGoneError || call.signal.aborted) return;
        if (error instanceof UpstreamError) {
          const verdict = classifyUpstreamError(error, { now: Date.now() });
          call.gateway.pool.reportFailure(opened.lease, verdict);
          call.gateway.logger.warn(
            { keyId: opened.lease.id, model: call.model, verdict: verdict.kind },
            error.message,
          );
        }
        await write(held.splice(0));
        await writer.data(JSON.stringify(streamErrorBody(error)));
        return;
      } finally {
        call.gateway.signatures.remember(converter.thoughtSignatures);
      }

      recordUsage(call, opened.lease.id, usage);
      if (!substantive && round < EMPTY_ANSWER_RETRIES) {
        call.gateway.logger.info(
          { keyId: opened.lease.id, model: call.model },
          "empty stream from upstream; retrying",
        );
        continue;
      }
      await emit(converter.finish());
      await write(held.splice(0));
      await writer.data("[DONE]");
      return;
    }
  } finally {
    clearInterval(keepalive);
    // Before the stream opened, the error handler still owes the client a real status.
    if (writer.isOpen) writer.end();
  }
}

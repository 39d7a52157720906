import type { Response } from "express";
import { dispatch } from "../dispatch/dispatch.js";
import type { GeminiGenerateContentResponse, GeminiUsageMetadata } from "../gemini/wire-types.js";
import { SseWriter } from "../http/sse-writer.js";
import { classifyUpstreamError } from "../keys/classify-upstream-error.js";
import type { KeyLease } from "../keys/key-pool.js";
import type { OpenAIChatCompletionChunk, OpenAIErrorBody } from "../openai/types.js";
import { type ChatStreamConverter, createChatStreamConverter } from "../translate/convert-gemini-stream.js";
import type { ConvertedChatRequest } from "../translate/convert-openai-request.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { readGeminiStream } from "../upstream/read-gemini-stream.js";
import { UpstreamError } from "../upstream/upstream-error.js";
import { type ChatCall, newToolCallId, recordUsage, sendGenerate } from "./chat-call.js";
import { EMPTY_ANSWER_RETRIES, emptyAnswerEvent } from "./empty-answer.js";

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
 * Sends `: ping` once the stream has been silent for `intervalMs` (long thinking), so clients' and
 * proxies' idle timeouts (undici's body timeout is about 300 s) do not cut it. Only inside an open
 * stream: before the status line, any byte would commit a 200 that a late 429 could no longer undo.
 */
function startKeepalive(writer: SseWriter, intervalMs: number) {
  let lastWrite = Date.now();
  const timer = setInterval(
    () => {
      if (!writer.isOpen || writer.isClosed || Date.now() - lastWrite < intervalMs) return;
      lastWrite = Date.now();
      void writer.comment("ping");
    },
    Math.max(1, Math.floor(intervalMs / 4)),
  );
  timer.unref();
  return {
    wrote: () => {
      lastWrite = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}

/** Reads one upstream answer into the converter and the client; resolves when it ended normally. */
async function relay(
  call: ChatCall,
  opened: { value: OpenedStream; lease: KeyLease },
  converter: ChatStreamConverter,
  write: (chunks: readonly OpenAIChatCompletionChunk[]) => Promise<void>,
  writer: SseWriter,
): Promise<void> {
  let usage: GeminiUsageMetadata | undefined;
  try {
    for await (const chunk of chain(opened.value.first, opened.value.rest)) {
      if (chunk.usageMetadata) usage = chunk.usageMetadata;
      await write(converter.push(chunk));
      if (writer.isClosed) throw new ClientGoneError("client disconnected");
    }
  } catch (error) {
    if (error instanceof UpstreamError && !call.signal.aborted) {
      const verdict = classifyUpstreamError(error, { now: Date.now() });
      call.gateway.pool.reportFailure(opened.lease, verdict);
      call.gateway.logger.warn(
        { keyId: opened.lease.id, model: call.model, verdict: verdict.kind },
        error.message,
      );
    }
    throw error;
  } finally {
    recordUsage(call, opened.lease.id, usage);
  }
}

/**
 * A streaming chat completion. The status line goes out only once the upstream's first event arrived;
 * from then on a failure becomes an SSE error event, never a silent `stop`. Text, reasoning and tool
 * calls are written as they come (reasoning is worth seeing live). An answer of nothing or of thoughts
 * only is retried once on the same stream, so the client ends up with a real answer after the first
 * attempt's thoughts; if the retry is empty too, the stream ends with an error event, never an empty
 * `stop`.
 */
export async function streamChat(
  call: ChatCall,
  converted: ConvertedChatRequest,
  response: Response,
): Promise<void> {
  const writer = new SseWriter(response);
  const keepalive = startKeepalive(writer, call.gateway.config.sseKeepaliveMs);
  const write = async (chunks: readonly OpenAIChatCompletionChunk[]) => {
    for (const chunk of chunks) await writer.data(JSON.stringify(chunk));
    if (chunks.length > 0) keepalive.wrote();
  };
  const writeError = async (body: OpenAIErrorBody) => {
    await writer.data(JSON.stringify(body));
    keepalive.wrote();
  };
  // One converter for every attempt: a retry continues the same choice (role sent once, one finish).
  const converter = createChatStreamConverter({
    id: call.id,
    created: call.created,
    model: call.model,
    includeUsage: converted.includeUsage,
    toolNames: converted.toolNames,
    reasoningOutput: call.gateway.config.reasoningOutput,
    newToolCallId,
  });

  try {
    for (let round = 0; ; round++) {
      let opened: { value: OpenedStream; lease: KeyLease };
      try {
        opened = await openStream(call);
      } catch (error) {
        // Before the stream opened, the error handler still owes the client a real status.
        if (!writer.isOpen) throw error;
        if (error instanceof ClientGoneError || call.signal.aborted) return;
        await writeError(streamErrorBody(error));
        return;
      }
      if (!writer.isOpen) {
        writer.open();
        keepalive.wrote();
      }

      try {
        await relay(call, opened, converter, write, writer);
      } catch (error) {
        if (error instanceof ClientGoneError || call.signal.aborted) return;
        await writeError(streamErrorBody(error));
        return;
      }

      const empty = converter.emptyAnswer();
      if (empty !== undefined && round < EMPTY_ANSWER_RETRIES) {
        call.gateway.logger.info(
          { keyId: opened.lease.id, model: call.model, finishReason: empty.finishReason, round },
          "empty answer from upstream; retrying",
        );
        continue;
      }
      if (empty !== undefined) {
        await writeError(emptyAnswerEvent(empty, round + 1));
        return;
      }
      if (!converter.isComplete()) {
        call.gateway.logger.warn(
          { keyId: opened.lease.id, model: call.model },
          "upstream stream ended unfinished",
        );
        await writeError(
          streamErrorBody(new Error("the upstream stream ended before Gemini finished the answer")),
        );
        return;
      }
      await write(converter.finish());
      await writer.data("[DONE]");
      return;
    }
  } finally {
    keepalive.stop();
    call.gateway.signatures.remember(converter.thoughtSignatures);
    if (writer.isOpen) writer.end();
  }
}

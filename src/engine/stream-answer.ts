import type { Response } from "express";
import { type Dispatched, dispatch, settleFailureAfterStart } from "../dispatch/dispatch.js";
import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import { EVENT_STREAM_HEADERS, StreamWriter } from "../http/stream-writer.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { readGeminiStream } from "../upstream/read-gemini-stream.js";
import { UpstreamError } from "../upstream/upstream-error.js";
import type { AnswerFailure, AnswerSummary, StreamEncoder } from "./answer-events.js";
import { answerUsageOf } from "./answer-usage.js";
import type { ChatEngineDependencies } from "./chat-engine.js";
import type { ChatPlan } from "./chat-plan.js";
import { createGeminiEventConverter } from "./convert-gemini-to-events.js";
import { EMPTY_ANSWER_RETRIES, emptyAnswerFailure } from "./empty-answer.js";
import { startKeepaliveClock } from "./keepalive-clock.js";
import { type GenerateCall, sendGenerate } from "./send-generate.js";

/** An upstream stream that has sent its first event: committed to, the rest still to read. */
interface OpenedStream {
  first: GeminiGenerateContentResponse;
  rest: AsyncGenerator<GeminiGenerateContentResponse, void, undefined>;
}

/** Opens one upstream stream and waits for its first event, so a failure can still move to another key. */
function openStream(
  dependencies: ChatEngineDependencies,
  call: GenerateCall,
): Promise<Dispatched<OpenedStream>> {
  return dispatch(dependencies.dispatcher, { model: call.model, signal: call.signal }, async (lease) => {
    const attempt = await sendGenerate(dependencies, call, lease, true);
    const events = readGeminiStream(attempt.body, dependencies.redact);
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

/** A failure after the stream started, as the client's error event says it. */
function interruption(error: unknown): AnswerFailure {
  const message = error instanceof Error ? error.message : String(error);
  return { status: 502, code: "upstream_error", message: `Upstream stream interrupted: ${message}` };
}

const NO_SUMMARY: AnswerSummary = {
  usage: answerUsageOf(undefined),
  geminiUsage: {},
  promptBlockReason: undefined,
  responseId: undefined,
  modelVersion: undefined,
};

/**
 * A streamed answer. The status line goes out only once the upstream's first event arrived; from then
 * on a failure ends the stream with the encoder's error event, never a silent or made-up end. Content
 * is written as it comes (reasoning is worth seeing live). An answer of nothing or of thoughts only is
 * retried once on the same stream with the same encoder, so the client ends up with one answer after
 * the first attempt's thoughts; if the retry is empty too, the stream ends with `empty_response`.
 */
export async function streamAnswer(
  dependencies: ChatEngineDependencies,
  plan: ChatPlan,
  signal: AbortSignal,
  encoder: StreamEncoder,
  response: Response,
): Promise<void> {
  const { logger } = dependencies;
  const writer = new StreamWriter(response);
  const keepalive = startKeepaliveClock(dependencies.settings.sseKeepaliveMs, () => {
    if (writer.isOpen && !writer.isClosed) void writer.write(encoder.keepalive());
  });
  const write = async (text: string) => {
    if (text === "") return;
    keepalive.wrote();
    if (!(await writer.write(text))) throw new ClientGoneError("client disconnected");
  };
  const call: GenerateCall = { model: plan.model, body: JSON.stringify(plan.body), signal };
  const signatures: Array<[string, string]> = [];
  let summary = NO_SUMMARY;

  /** Ends the started stream with the encoder's error event, unless nobody is listening any more. */
  const fail = async (failure: AnswerFailure) => {
    if (writer.isClosed) return;
    await writer.write(encoder.fail(failure, summary));
  };

  try {
    for (let round = 0; ; round++) {
      let opened: Dispatched<OpenedStream>;
      try {
        opened = await openStream(dependencies, call);
      } catch (error) {
        // Before the stream opened, the route's error handler still owes the client a real status.
        if (!writer.isOpen) throw error;
        if (error instanceof ClientGoneError || signal.aborted) return;
        await fail(interruption(error));
        return;
      }
      if (!writer.isOpen) {
        writer.open(200, EVENT_STREAM_HEADERS);
        await write(encoder.start());
      }

      const converter = createGeminiEventConverter({
        newToolCallId: plan.newToolCallId,
        includeReasoning: dependencies.settings.reasoningOutput !== "none",
      });
      try {
        for await (const chunk of chain(opened.value.first, opened.value.rest)) {
          let text = "";
          for (const event of converter.push(chunk)) {
            if (event.type === "tool_call" && event.signature !== undefined)
              signatures.push([event.id, event.signature]);
            text += encoder.event(event);
          }
          await write(text);
          if (writer.isClosed) throw new ClientGoneError("client disconnected");
        }
      } catch (error) {
        summary = converter.summary();
        if (error instanceof ClientGoneError || signal.aborted) return;
        if (error instanceof UpstreamError)
          settleFailureAfterStart(dependencies.dispatcher, opened.lease, error);
        await fail(interruption(error));
        return;
      } finally {
        if (converter.hasUsage())
          dependencies.usage.record(plan.model, opened.lease.id, converter.summary().usage);
      }
      summary = converter.summary();

      const empty = converter.emptyAnswer();
      if (empty !== undefined) {
        logger.info(
          { keyId: opened.lease.id, model: plan.model, finishReason: empty.finishReason, round },
          round < EMPTY_ANSWER_RETRIES
            ? "empty answer from upstream; retrying"
            : "empty answer from upstream",
        );
        if (round < EMPTY_ANSWER_RETRIES) continue;
        await fail(emptyAnswerFailure(empty, round + 1));
        return;
      }
      if (!converter.isComplete()) {
        logger.warn({ keyId: opened.lease.id, model: plan.model }, "upstream stream ended unfinished");
        await fail(interruption(new Error("the upstream stream ended before Gemini finished the answer")));
        return;
      }
      let ending = "";
      for (const event of converter.finishEvents()) ending += encoder.event(event);
      await write(ending + encoder.finish(summary));
      return;
    }
  } catch (error) {
    // The client left while the end was being written: nothing more to say to anyone.
    if (error instanceof ClientGoneError) return;
    throw error;
  } finally {
    keepalive.stop();
    dependencies.signatures.remember(signatures);
    if (writer.isOpen) writer.end();
  }
}

import type { Response } from "express";
import type { Dispatched } from "../dispatch/dispatch.js";
import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import { eitherSignal } from "../http/either-signal.js";
import { EVENT_STREAM_HEADERS, StreamWriter } from "../http/stream-writer.js";
import { noteRequestError } from "../observability/request-context.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { UpstreamError } from "../upstream/upstream-error.js";
import type { AnswerFailure, AnswerSummary, StreamEncoder } from "./answer-events.js";
import { answerUsageOf } from "./answer-usage.js";
import type { ChatPlan } from "./chat-plan.js";
import { createGeminiEventConverter } from "./convert-gemini-to-events.js";
import { EMPTY_ANSWER_RETRIES, emptyAnswerFailure } from "./empty-answer.js";
import type { ChatEngineDependencies } from "./engine-dependencies.js";
import { generateRequest } from "./generate-request.js";
import { startKeepaliveClock } from "./keepalive-clock.js";
import { SHUTTING_DOWN } from "./shutting-down.js";

/**
 * A failure after the stream started, as the client's error event says it. Gemini's mid-stream
 * `503 UNAVAILABLE` stays a 503, so a protocol can say "overloaded" (Anthropic's `overloaded_error`, which
 * Claude Code retries even mid-stream); anything else is a 502.
 */
function interruption(error: unknown): AnswerFailure {
  const message = error instanceof Error ? error.message : String(error);
  const overloaded = error instanceof UpstreamError && error.status === 503;
  return {
    status: overloaded ? 503 : 502,
    code: "upstream_error",
    message: `Upstream stream interrupted: ${message}`,
  };
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
  clientSignal: AbortSignal,
  encoder: StreamEncoder,
  response: Response,
): Promise<void> {
  const { logger, closing } = dependencies;
  // Stops the upstream when the client leaves or the gateway closes.
  const stop = eitherSignal(clientSignal, closing);
  const writer = new StreamWriter(response);
  const keepalive = startKeepaliveClock(dependencies.settings.sseKeepaliveMs, () => {
    if (writer.isOpen && !writer.isClosed) void writer.write(encoder.keepalive());
  });
  const write = async (text: string) => {
    if (text === "") return;
    keepalive.wrote();
    if (!(await writer.write(text))) throw new ClientGoneError("client disconnected");
  };
  const request = generateRequest(plan.model, JSON.stringify(plan.body), true);
  // Opens one upstream stream; it resolves at the stream's first event, so a failure can still move on.
  const openStream = () =>
    dependencies.dispatcher.dispatch({ model: plan.model, signal: stop.signal }, (upstream) =>
      upstream.eventStream(request),
    );
  const signatures: Array<[string, string]> = [];
  let summary = NO_SUMMARY;

  /** Ends the started stream with the encoder's error event, unless nobody is listening any more. */
  const fail = async (failure: AnswerFailure) => {
    if (writer.isClosed) return;
    noteRequestError(failure.message);
    await writer.write(encoder.fail(failure, summary));
  };
  /** A started stream broke: say why, unless the client itself has gone. */
  const broke = async (error: unknown) => {
    if (clientSignal.aborted || writer.isClosed) return;
    if (closing.aborted) await fail(SHUTTING_DOWN);
    else if (!(error instanceof ClientGoneError)) await fail(interruption(error));
  };

  try {
    for (let round = 0; ; round++) {
      let opened: Dispatched<AsyncIterable<GeminiGenerateContentResponse>>;
      try {
        opened = await openStream();
      } catch (error) {
        // Before the stream opened, the route's error handler still owes the client a real status.
        if (!writer.isOpen) throw error;
        await broke(error);
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
        // A failure of this stream has already been classified and charged by the read that opened it.
        for await (const chunk of opened.value) {
          let text = "";
          for (const event of converter.push(chunk)) {
            if (event.type === "tool_call" && event.signature !== undefined)
              signatures.push([event.id, event.signature]);
            text += encoder.event(event);
          }
          await write(text);
        }
      } catch (error) {
        summary = converter.summary();
        await broke(error);
        return;
      } finally {
        if (converter.hasUsage())
          dependencies.usage.record(plan.model, opened.lease.id, converter.summary().usage);
      }
      summary = converter.summary();

      const empty = converter.emptyAnswer();
      if (empty !== undefined) {
        const retrying = round < EMPTY_ANSWER_RETRIES;
        logger.info(
          { keyId: opened.lease.id, model: plan.model, finishReason: empty.finishReason, round },
          retrying ? "empty answer from upstream; retrying" : "empty answer from upstream",
        );
        if (retrying) continue;
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
    stop.dispose();
    keepalive.stop();
    dependencies.signatures.remember(signatures);
    if (writer.isOpen) writer.end();
  }
}

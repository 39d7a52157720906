import type {
  AnswerEvent,
  AnswerFailure,
  AnswerSummary,
  Finish,
  StreamEncoder,
} from "../../engine/answer-events.js";
import { assertNever } from "../../translate/assert-never.js";
import {
  type OutputBuilderOptions,
  type OutputEvent,
  ResponseOutputBuilder,
} from "./build-response-output.js";
import {
  buildResponseObject,
  type ResponseHeader,
  type ResponseObject,
  type ResponseOutcome,
  visibleResponse,
} from "./response-object.js";

/** The stream encoder of one response, plus the finished response (for the response store). */
export interface ResponsesStreamEncoder extends StreamEncoder {
  /** The response as it ended (signature carriers included), once `finish` or `fail` ran. */
  readonly finalResponse: ResponseObject | undefined;
}

export interface ResponsesStreamOptions extends OutputBuilderOptions {
  header: ResponseHeader;
  /** Unix seconds, for `completed_at`. */
  now?: () => number;
  /** Hears the response as it ended (signature carriers included), before its last event is written. */
  onEnd?: (response: ResponseObject) => void;
}

/**
 * Engine events → the named-event SSE stream of the Responses API ("Streaming events" in OpenAI's API
 * reference): `response.created`, `response.in_progress`, the output items with their parts and deltas,
 * then exactly one of `response.completed`, `response.incomplete` (output limit, blocked content) or
 * `response.failed`. Every event has `event:` and `data:` lines and a `sequence_number`; Codex ends a turn
 * only on `response.completed`, and every client reads the final response from the last event.
 */
export function encodeResponsesStream(options: ResponsesStreamOptions): ResponsesStreamEncoder {
  const builder = new ResponseOutputBuilder(options);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  let sequenceNumber = 0;
  let finalResponse: ResponseObject | undefined;

  const frame = (event: { type: string; [field: string]: unknown }) =>
    `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequenceNumber++ })}\n\n`;
  const frames = (events: readonly OutputEvent[]) => events.map(frame).join("");
  const lifecycle = (type: string, outcome: ResponseOutcome) => {
    const response = buildResponseObject(options.header, outcome);
    return {
      response,
      text: frame({ type, response: visibleResponse(response, options.includeEncryptedContent) }),
    };
  };

  return {
    get finalResponse() {
      return finalResponse;
    },
    start() {
      const inProgress: ResponseOutcome = { status: "in_progress", output: [] };
      return (
        lifecycle("response.created", inProgress).text + lifecycle("response.in_progress", inProgress).text
      );
    },
    event(event: AnswerEvent) {
      return frames(builder.accept(event));
    },
    keepalive() {
      return ": keep-alive\n\n";
    },
    finish(summary: AnswerSummary) {
      const ending = endingOf(builder.finish);
      const closing = frames(builder.close(ending.status === "completed" ? "completed" : "incomplete"));
      const { response, text } = lifecycle(ending.event, {
        status: ending.status,
        incompleteReason: ending.incompleteReason,
        output: builder.output,
        usage: summary.usage,
        completedAt: now(),
      });
      finalResponse = response;
      options.onEnd?.(response);
      return closing + text;
    },
    fail(failure: AnswerFailure, summary: AnswerSummary) {
      const closing = frames(builder.close("incomplete"));
      const { response, text } = lifecycle("response.failed", {
        status: "failed",
        output: builder.output,
        usage: summary.usage,
        error: { code: failureCode(failure), message: failure.message },
      });
      finalResponse = response;
      options.onEnd?.(response);
      return closing + text;
    },
  };
}

interface Ending {
  event: "response.completed" | "response.incomplete";
  status: "completed" | "incomplete";
  incompleteReason?: "max_output_tokens" | "content_filter";
}

/** How the answer's finish ends the response (also for a whole answer, see render-response.ts). */
export function endingOf(finish: Finish | undefined): Ending {
  const kind = finish?.kind ?? "stop";
  switch (kind) {
    case "stop":
      return { event: "response.completed", status: "completed" };
    case "max_tokens":
      return { event: "response.incomplete", status: "incomplete", incompleteReason: "max_output_tokens" };
    case "refusal":
      return { event: "response.incomplete", status: "incomplete", incompleteReason: "content_filter" };
    default:
      return assertNever(kind, "finish kind");
  }
}

/**
 * The error code of a failed response. Codex reads it: `rate_limit_exceeded` retries (after the delay its
 * message names), `context_length_exceeded` ends the turn with a clear message, others are retried.
 */
function failureCode(failure: AnswerFailure): string {
  if (failure.code !== null) return failure.code;
  return failure.status === 429 ? "rate_limit_exceeded" : "server_error";
}

import type { Answer } from "../../engine/answer-events.js";
import { type OutputBuilderOptions, ResponseOutputBuilder } from "./build-response-output.js";
import { endingOf } from "./encode-responses-stream.js";
import { buildResponseObject, type ResponseHeader, type ResponseObject } from "./response-object.js";

export interface RenderResponseOptions extends OutputBuilderOptions {
  header: ResponseHeader;
  /** Unix seconds, for `completed_at`. */
  completedAt: number;
}

/**
 * A whole answer → the Responses `response` object (non-streaming), built by the same output builder as
 * the stream, so `stream: true` and `stream: false` give the same items. Signature carriers are kept:
 * the route stores this object and shows the client `visibleResponse(…)` of it.
 */
export function renderResponse(answer: Answer, options: RenderResponseOptions): ResponseObject {
  const builder = new ResponseOutputBuilder(options);
  const candidate = answer.candidates.find((entry) => entry.index === 0);
  for (const part of candidate?.parts ?? []) builder.accept(part);
  if (candidate !== undefined) builder.accept({ type: "finish", candidate: 0, finish: candidate.finish });
  const ending = endingOf(builder.finish);
  builder.close(ending.status);
  return buildResponseObject(options.header, {
    status: ending.status,
    incompleteReason: ending.incompleteReason,
    output: builder.output,
    usage: answer.usage,
    completedAt: options.completedAt,
  });
}

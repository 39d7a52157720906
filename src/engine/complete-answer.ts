import { generateContentResponseShape } from "../gemini/wire-shapes.js";
import { eitherSignal } from "../http/either-signal.js";
import type { Answer } from "./answer-events.js";
import type { ChatPlan } from "./chat-plan.js";
import { collectAnswer } from "./collect-answer.js";
import { createGeminiEventConverter } from "./convert-gemini-to-events.js";
import { EMPTY_ANSWER_RETRIES, emptyAnswerError } from "./empty-answer.js";
import type { ChatEngineDependencies } from "./engine-dependencies.js";
import { generateRequest } from "./generate-request.js";

/**
 * A whole answer over generateContent. An answer of nothing (or of thoughts only) is retried once,
 * unseen, through a fresh dispatch; a second one throws the `empty_response` 502 rather than passing
 * for an answer.
 */
export async function completeAnswer(
  dependencies: ChatEngineDependencies,
  plan: ChatPlan,
  clientSignal: AbortSignal,
): Promise<Answer> {
  // A request still waiting for its answer when the gateway closes is cut with its connection.
  const stop = eitherSignal(clientSignal, dependencies.closing);
  try {
    return await answerOnce(dependencies, plan, stop.signal);
  } finally {
    stop.dispose();
  }
}

async function answerOnce(
  dependencies: ChatEngineDependencies,
  plan: ChatPlan,
  signal: AbortSignal,
): Promise<Answer> {
  const request = generateRequest(plan.model, JSON.stringify(plan.body), false);
  for (let round = 0; ; round++) {
    const { value, lease } = await dependencies.dispatcher.dispatch(
      { model: plan.model, signal },
      (upstream) => upstream.json(request, generateContentResponseShape),
    );
    const converter = createGeminiEventConverter({
      newToolCallId: plan.newToolCallId,
      includeReasoning: dependencies.settings.reasoningOutput !== "none",
    });
    const events = converter.push(value);
    const summary = converter.summary();
    if (converter.hasUsage()) dependencies.usage.record(plan.model, lease.id, summary.usage);

    const empty = converter.emptyAnswer();
    if (empty !== undefined) {
      dependencies.logger.info(
        { keyId: lease.id, model: plan.model, finishReason: empty.finishReason, round },
        "empty answer from upstream",
      );
      if (round >= EMPTY_ANSWER_RETRIES) throw emptyAnswerError(empty, round + 1);
      continue;
    }
    const signatures: Array<[string, string]> = [];
    for (const event of events) {
      if (event.type === "tool_call" && event.signature !== undefined)
        signatures.push([event.id, event.signature]);
    }
    dependencies.signatures.remember(signatures);
    return collectAnswer([...events, ...converter.finishEvents()], summary);
  }
}

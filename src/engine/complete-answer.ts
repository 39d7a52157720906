import { dispatch } from "../dispatch/dispatch.js";
import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import type { Answer } from "./answer-events.js";
import type { ChatEngineDependencies } from "./chat-engine.js";
import type { ChatPlan } from "./chat-plan.js";
import { collectAnswer } from "./collect-answer.js";
import { createGeminiEventConverter } from "./convert-gemini-to-events.js";
import { EMPTY_ANSWER_RETRIES, emptyAnswerError } from "./empty-answer.js";
import { sendGenerate } from "./send-generate.js";

/**
 * A whole answer over generateContent. An answer of nothing (or of thoughts only) is retried once,
 * unseen, through a fresh dispatch; a second one throws the `empty_response` 502 rather than passing
 * for an answer.
 */
export async function completeAnswer(
  dependencies: ChatEngineDependencies,
  plan: ChatPlan,
  signal: AbortSignal,
): Promise<Answer> {
  const call = { model: plan.model, body: JSON.stringify(plan.body), signal };
  for (let round = 0; ; round++) {
    const { value, lease } = await dispatch(
      dependencies.dispatcher,
      { model: plan.model, signal },
      async (key) => {
        const attempt = await sendGenerate(dependencies, call, key, false);
        return attempt.json<GeminiGenerateContentResponse>();
      },
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

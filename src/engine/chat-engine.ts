import type { Response } from "express";
import type { Answer, StreamEncoder } from "./answer-events.js";
import type { ChatPlan } from "./chat-plan.js";

export type { ChatEngineDependencies };

import { completeAnswer } from "./complete-answer.js";
import type { ChatEngineDependencies } from "./engine-dependencies.js";
import { streamAnswer } from "./stream-answer.js";

/**
 * The one place a chat answer becomes trustworthy, whatever protocol the client speaks: dispatch over
 * the key pool (failover before the first byte), the empty-answer retry, keep-alives, failures after
 * the stream started, usage and thought-signature bookkeeping. A protocol hands it a `ChatPlan` (its
 * request translated to Gemini) and gets back answer events through its `StreamEncoder`, or a whole
 * `Answer` for its response renderer.
 */
export class ChatEngine {
  constructor(private readonly dependencies: ChatEngineDependencies) {}

  /**
   * Streams the answer through `encoder` into `response`. Until the upstream's first event nothing is
   * written and a failure throws a `GatewayError` (the route's error handler answers it with a real
   * status in the protocol's envelope); after it, every failure ends the stream with `encoder.fail`.
   * `signal` is the client's: aborted when it hangs up, which stops the upstream at once.
   */
  stream(plan: ChatPlan, signal: AbortSignal, encoder: StreamEncoder, response: Response): Promise<void> {
    return streamAnswer(this.dependencies, plan, signal, encoder, response);
  }

  /** The whole answer (generateContent), for a non-streaming client; failures throw a `GatewayError`. */
  complete(plan: ChatPlan, signal: AbortSignal): Promise<Answer> {
    return completeAnswer(this.dependencies, plan, signal);
  }
}

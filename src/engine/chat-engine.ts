import type { Response } from "express";
import type { Config } from "../config.js";
import type { DispatchDependencies } from "../dispatch/dispatch.js";
import type { Logger } from "../observability/logger.js";
import type { GeminiClient } from "../upstream/gemini-client.js";
import type { Answer, StreamEncoder } from "./answer-events.js";
import type { ChatPlan } from "./chat-plan.js";
import { completeAnswer } from "./complete-answer.js";
import { streamAnswer } from "./stream-answer.js";
import type { UsageRecorder } from "./usage-recorder.js";

/** What the engine needs from the rest of the gateway. */
export interface ChatEngineDependencies {
  dispatcher: DispatchDependencies;
  client: Pick<GeminiClient, "send">;
  /** Where thought signatures of tool calls are kept, by tool-call id. */
  signatures: { remember(pairs: Iterable<readonly [string, string]>): void };
  usage: UsageRecorder;
  logger: Logger;
  /** Removes every known key (and anything key-shaped) from upstream text that may reach a client. */
  redact: (text: string) => string;
  settings: Pick<Config, "requestTimeoutMs" | "sseKeepaliveMs" | "reasoningOutput">;
}

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

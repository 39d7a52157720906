import type { Config } from "../config.js";
import type { Dispatcher } from "../dispatch/dispatch.js";
import type { Logger } from "../observability/logger.js";
import type { UsageRecorder } from "./usage-recorder.js";

/** What the engine needs from the rest of the gateway. */
export interface ChatEngineDependencies {
  dispatcher: Pick<Dispatcher, "dispatch">;
  /** Where thought signatures of tool calls are kept, by tool-call id. */
  signatures: { remember(pairs: Iterable<readonly [string, string]>): void };
  usage: UsageRecorder;
  logger: Logger;
  settings: Pick<Config, "sseKeepaliveMs" | "reasoningOutput">;
  /** Aborted when the gateway's shutdown grace has run out: open answers end with the protocol's error. */
  closing: AbortSignal;
}

import { dirname, join } from "node:path";
import type { Config } from "../config.js";
import type { Logger } from "../observability/logger.js";
import { FileResponseStore } from "./file-response-store.js";
import { RedisResponseStore } from "./redis-response-store.js";
import type { ResponseStore } from "./response-store.js";

/** Redis when `REDIS_URL` is set (replicas share responses), else `responses/` beside the state file. */
export function createResponseStore(
  config: Pick<Config, "redisUrl" | "stateFile">,
  logger: Logger,
): ResponseStore {
  if (config.redisUrl) return new RedisResponseStore(config.redisUrl, logger);
  return new FileResponseStore(join(dirname(config.stateFile), "responses"), logger);
}

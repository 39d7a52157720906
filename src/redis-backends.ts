/**
 * Everything the gateway needs when `REDIS_URL` is set, in one module that gateway.ts imports only
 * then (`await import()`): without Redis, ioredis and these stores are never loaded, which keeps about
 * 7 MB out of the process (measured with `bench/`'s idle RSS).
 */
export { Redis } from "ioredis";
export { RedisAlertLatch } from "./alerts/alert-latch.js";
export { RedisClientTokenStore } from "./clients/redis-client-token-store.js";
export { RedisClientUsageStore } from "./clients/redis-client-usage.js";
export { RedisSessionStore } from "./console/redis-session-store.js";
export { RedisStateSync } from "./state/redis-state-sync.js";
export { RedisHistoryStore } from "./store/redis-history.js";
export { RedisResponseStore } from "./store/redis-response-store.js";

/** Moved to test/support/redis-server.ts; this re-export goes once every test imports from there. */
export { freePort } from "../support/free-port.js";
export { hasRedisServer, type RunningRedis, startRedis } from "../support/redis-server.js";

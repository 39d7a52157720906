/** Moved to test/support/built-server.ts; this re-export goes once every test imports from there. */
export { type SpawnedGateway, spawnGateway } from "../support/built-server.js";
export { freePort } from "../support/free-port.js";

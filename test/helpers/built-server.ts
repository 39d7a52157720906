/** Moved to test/support/built-server.ts; this re-export goes once every test imports from there. */
export { type BuiltServer, type BuiltServerOptions, startBuiltServer } from "../support/built-server.js";

/** Moved to test/support/e2e-environment.ts; this re-export goes once every test imports from there. */
export {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  type EnvironmentOptions,
  generateRequests,
  lastGeminiBody,
  startEnvironment,
} from "../../support/e2e-environment.js";

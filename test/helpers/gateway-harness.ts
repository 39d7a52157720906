/**
 * Moved to test/support/gateway-harness.ts (and the fetch helper to test/support/http.ts); these
 * re-exports go once every test imports from there.
 */
export {
  type Harness,
  type HarnessOptions,
  startHarness,
  TEST_KEYS,
} from "../support/gateway-harness.js";
export { postJson } from "../support/http.js";

/** Reads an SSE response into its `data:` payloads (parsed JSON, or the raw text for `[DONE]`). */
export async function postStream(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const events = text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => block.trim());
  const data = events
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length))
    .map((payload) => (payload === "[DONE]" ? payload : JSON.parse(payload)));
  return { status: response.status, headers: response.headers, text, events, data };
}

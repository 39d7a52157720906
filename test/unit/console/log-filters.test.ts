/** Whether a request the gateway pushes live belongs on the Log page under the filters in force. */
import type { LogRow } from "../../../console/src/api/types.js";
import { type LogFilters, matchesLogFilters } from "../../../console/src/pages/log-filters.js";

const row: LogRow = {
  id: 7,
  time: "2026-11-30T10:00:00.000Z",
  route: "/v1/chat/completions",
  protocol: "openai-chat",
  model: "gemini-2.5-pro",
  keyId: "k-123",
  status: 429,
  attempts: 3,
  firstByteMs: null,
  totalMs: 12,
  tokens: null,
  error: "every key is resting",
};
const none: LogFilters = { status: "", model: "", keyId: "", route: "", protocol: "" };

test.each([
  [{}, true],
  [{ status: "429" }, true],
  [{ status: "4xx" }, true],
  [{ status: "4XX" }, true],
  [{ status: "5xx" }, false],
  [{ status: "200" }, false],
  [{ model: "gemini-2.5-pro" }, true],
  [{ model: " gemini-2.5-pro " }, true],
  [{ model: "gemini-2.5-flash" }, false],
  [{ keyId: "k-123" }, true],
  [{ keyId: "k-999" }, false],
  [{ route: "/v1/messages" }, false],
  [{ protocol: "openai-chat", status: "4xx" }, true],
  [{ protocol: "anthropic-messages" }, false],
])("filters %j → %s", (filters, expected) => {
  expect(matchesLogFilters(row, { ...none, ...filters })).toBe(expected);
});

/** Whether a request the gateway pushes live belongs on the Log page under the filters in force. */
import type { LogRow } from "../../../console/src/api/types.js";
import { type LogFilters, logQuery, matchesLogFilters } from "../../../console/src/pages/log-filters.js";

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
const none: LogFilters = { status: "", model: "", keyId: "", route: "", protocol: "", from: "", to: "" };
/** A `datetime-local` value (this machine's time zone) for a moment given in UTC. */
function local(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

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
  [{ from: local("2026-11-30T09:59:00.000Z") }, true],
  [{ from: local("2026-11-30T10:01:00.000Z") }, false],
  [{ to: local("2026-11-30T10:01:00.000Z") }, true],
  [{ to: local("2026-11-30T09:59:00.000Z") }, false],
  [{ from: "not a time" }, true],
])("filters %j → %s", (filters, expected) => {
  expect(matchesLogFilters(row, { ...none, ...filters })).toBe(expected);
});

test("the server gets the times in ISO 8601 and the other fields trimmed", () => {
  expect(
    logQuery({ ...none, model: " gemini-2.5-pro ", status: "4xx", from: local("2026-11-30T09:30:00.000Z") }),
  ).toEqual({
    status: "4xx",
    model: "gemini-2.5-pro",
    keyId: "",
    route: "",
    protocol: "",
    from: "2026-11-30T09:30:00.000Z",
    to: undefined,
  });
});

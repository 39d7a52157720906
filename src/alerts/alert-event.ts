import type { LimitKind } from "../clients/client-token.js";
import { assertNever } from "../translate/assert-never.js";

/** What the gateway alerts about. Keys appear by id, tokens by name: never a secret. */
export type AlertEvent =
  | { kind: "key_disabled"; keyId: string; reason: string }
  | { kind: "key_recovered"; keyId: string }
  | { kind: "keys_low"; model: string; usable: number; total: number; threshold: number }
  | { kind: "keys_recovered"; model: string; usable: number; total: number; threshold: number }
  /** Every key is resting for the model (`resetAt`: when the first frees up) or disabled. */
  | { kind: "model_exhausted"; model: string; resetAt: number | undefined }
  | { kind: "model_available"; model: string; usable: number }
  | {
      kind: "token_limit";
      token: string;
      limit: LimitKind;
      percent: 80 | 100;
      used: number;
      limitValue: number;
    }
  | { kind: "test" };

export type AlertSeverity = "info" | "warning" | "critical" | "resolved";

/** An alert as every format carries it: one line of title, a few lines of text. */
export interface AlertMessage {
  event: AlertEvent["kind"];
  severity: AlertSeverity;
  title: string;
  text: string;
  /** ISO 8601. */
  time: string;
  /** The event's facts, for the generic JSON format. */
  details: Record<string, string | number | null>;
}

/** Every message starts with this, so chat services' keyword filters (DingTalk, Feishu) can pass it. */
export const ALERT_SOURCE = "gemini-rotator";

const LIMIT_WORDS: Record<LimitKind, string> = {
  requestsPerMinute: "requests per minute",
  requestsPerDay: "requests per day",
  tokensPerDay: "tokens per day",
};

/** The words of an alert (pure). */
export function describeAlert(event: AlertEvent, now: number): AlertMessage {
  const time = new Date(now).toISOString();
  const message = (severity: AlertSeverity, title: string, text: string) => ({
    event: event.kind,
    severity,
    title: `[${ALERT_SOURCE}] ${title}`,
    text,
    time,
    details: detailsOf(event),
  });
  switch (event.kind) {
    case "key_disabled":
      return message("warning", `Key ${event.keyId} disabled`, `Reason: ${event.reason}`);
    case "key_recovered":
      return message("resolved", `Key ${event.keyId} recovered`, "It serves requests again.");
    case "keys_low":
      return message(
        "warning",
        `Only ${event.usable} of ${event.total} keys usable for ${event.model}`,
        `At or below ALERT_MIN_AVAILABLE_KEYS (${event.threshold}): the others are disabled or resting.`,
      );
    case "keys_recovered":
      return message(
        "resolved",
        `${event.usable} of ${event.total} keys usable for ${event.model} again`,
        `Above ALERT_MIN_AVAILABLE_KEYS (${event.threshold}).`,
      );
    case "model_exhausted":
      return message(
        "critical",
        `No key can serve ${event.model}`,
        event.resetAt === undefined
          ? "Every key is disabled: clients get 503 until a key is enabled or added."
          : `Every key is resting or spent for the day: clients get 429 until ${new Date(event.resetAt).toISOString()}.`,
      );
    case "model_available":
      return message("resolved", `${event.model} is served again`, `${event.usable} key(s) usable.`);
    case "token_limit":
      return message(
        event.percent === 100 ? "warning" : "info",
        `Client token ${event.token} reached ${event.percent}% of its ${LIMIT_WORDS[event.limit]}`,
        `${event.used} of ${event.limitValue} ${LIMIT_WORDS[event.limit]}${
          event.limit === "requestsPerMinute" ? "" : " (the day turns at midnight Pacific time)"
        }.`,
      );
    case "test":
      return message("info", "Test alert", "Alerts reach this place.");
    default:
      return assertNever(event, "alert event");
  }
}

function detailsOf(event: AlertEvent): Record<string, string | number | null> {
  const details: Record<string, string | number | null> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === "kind") continue;
    if (name === "resetAt") details[name] = typeof value === "number" ? new Date(value).toISOString() : null;
    else if (typeof value === "string" || typeof value === "number") details[name] = value;
  }
  return details;
}

import { assertNever } from "../translate/assert-never.js";
import type { AlertMessage } from "./alert-event.js";
import { ALERT_SOURCE } from "./alert-event.js";
import type { AlertTarget } from "./alert-target.js";

/**
 * The shortest limit among the services (Discord's `content` holds 2000 characters, WeCom's text 2048
 * bytes); alerts are a few lines, so this only guards against a long reason.
 */
const MAX_TEXT_LENGTH = 1_800;

/**
 * An alert in the shape each service's webhook documents (pure):
 * - Slack incoming webhook: `{"text"}`;
 * - Discord execute-webhook: `{"content"}` (mentions turned off, so an alert never pings anyone);
 * - Telegram Bot API `sendMessage`: `{"chat_id", "text"}`;
 * - Feishu/Lark custom bot: `{"msg_type": "text", "content": {"text"}}`;
 * - DingTalk custom robot and WeCom group robot: `{"msgtype": "text", "text": {"content"}}`;
 * - generic JSON: the message's fields (`source`, `event`, `severity`, `title`, `text`, `time`, `details`).
 */
export function formatAlertPayload(target: AlertTarget, message: AlertMessage): unknown {
  const text = `${message.title}\n${message.text}`.slice(0, MAX_TEXT_LENGTH);
  switch (target.format) {
    case "json":
      return { source: ALERT_SOURCE, ...message };
    case "slack":
      return { text };
    case "discord":
      return { content: text, allowed_mentions: { parse: [] } };
    case "telegram":
      return { chat_id: target.chatId, text };
    case "feishu":
      return { msg_type: "text", content: { text } };
    case "dingtalk":
    case "wecom":
      return { msgtype: "text", text: { content: text } };
    default:
      return assertNever(target.format, "alert format");
  }
}

/**
 * Whether a service's answer says the message was taken. Feishu, DingTalk and WeCom answer HTTP 200
 * with an error code in the body (`code`, `errcode`) when they refuse a message; Telegram says `ok`.
 */
export function acceptedByService(target: AlertTarget, status: number, body: unknown): boolean {
  if (status < 200 || status >= 300) return false;
  const fields = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  switch (target.format) {
    case "feishu":
      return (fields.code ?? fields.StatusCode ?? 0) === 0;
    case "dingtalk":
    case "wecom":
      return (fields.errcode ?? 0) === 0;
    case "telegram":
      return fields.ok !== false;
    case "json":
    case "slack":
    case "discord":
      return true;
    default:
      return assertNever(target.format, "alert format");
  }
}

/** The payload shapes the gateway can post an alert in. */
export const ALERT_FORMATS = ["json", "slack", "discord", "telegram", "feishu", "dingtalk", "wecom"] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** One place alerts go. */
export interface AlertTarget {
  format: AlertFormat;
  /** Where to post (for Telegram, without `chat_id`, which goes into the body). */
  url: string;
  /** Telegram's chat, from the URL's `chat_id`. */
  chatId?: string;
  /** A DingTalk or Feishu/Lark robot's signing secret (its "signature" security setting), from `secret`. */
  signingSecret?: string;
  /**
   * How logs and answers name the target: its format and host only. A webhook's path or query is its
   * secret (Slack's and Discord's paths, Telegram's bot token, DingTalk's and WeCom's keys).
   */
  label: string;
}

/** Services recognised by their host; anything else gets the generic JSON unless told otherwise. */
function formatOfHost(url: URL): AlertFormat {
  const host = url.hostname.toLowerCase();
  if (host === "hooks.slack.com") return "slack";
  if (/^((ptb|canary)\.)?discord(app)?\.com$/.test(host) && url.pathname.startsWith("/api/webhooks/")) {
    return "discord";
  }
  if (host === "api.telegram.org") return "telegram";
  if (host === "open.feishu.cn" || host === "open.larksuite.com") return "feishu";
  if (host === "oapi.dingtalk.com") return "dingtalk";
  if (host === "qyapi.weixin.qq.com") return "wecom";
  return "json";
}

function isAlertFormat(text: string): text is AlertFormat {
  return (ALERT_FORMATS as readonly string[]).includes(text);
}

/**
 * `ALERT_WEBHOOK_URL`: one or more URLs, separated by commas, spaces or new lines. Each one's format
 * comes from its host (hooks.slack.com, discord.com/api/webhooks, api.telegram.org, open.feishu.cn or
 * open.larksuite.com, oapi.dingtalk.com, qyapi.weixin.qq.com; anything else: generic JSON), or from a
 * prefix that says it: `slack+https://…`, `telegram+http://127.0.0.1:9000/…` (a relay, a proxy, a test
 * receiver). A DingTalk or Feishu/Lark robot whose security setting is a signature takes its secret as
 * `?secret=…` (kept out of the URL that is posted to; each message is signed with it). Throws an `Error`
 * naming the bad entry (never its path or query).
 */
export function parseAlertTargets(text: string): AlertTarget[] {
  const targets: AlertTarget[] = [];
  for (const entry of text.split(/[\s,]+/)) {
    if (entry === "") continue;
    const prefix = /^([a-z]+)\+(https?:\/\/.*)$/i.exec(entry);
    const named = prefix?.[1]?.toLowerCase();
    if (named !== undefined && !isAlertFormat(named)) {
      throw new Error(`"${named}+…" names no format; use one of ${ALERT_FORMATS.join(", ")}`);
    }
    let url: URL;
    try {
      url = new URL(prefix?.[2] ?? entry);
    } catch {
      throw new Error(`an entry is not a URL (it starts with "${entry.slice(0, 12)}")`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new Error(`${url.protocol}// is not http or https`);
    }
    const format = named ?? formatOfHost(url);
    const label = `${format} ${url.host}`;
    if (format === "telegram") {
      const chatId = url.searchParams.get("chat_id");
      if (!chatId) {
        throw new Error(
          `the Telegram target on ${url.host} needs ?chat_id=… (https://api.telegram.org/bot<token>/sendMessage?chat_id=<chat>)`,
        );
      }
      url.searchParams.delete("chat_id");
      targets.push({ format, url: url.toString(), chatId, label });
      continue;
    }
    const signingSecret = url.searchParams.get("secret");
    if (signingSecret !== null && (format === "dingtalk" || format === "feishu")) {
      if (signingSecret === "") throw new Error(`the ${format} target on ${url.host} has an empty ?secret=`);
      url.searchParams.delete("secret");
      targets.push({ format, url: url.toString(), signingSecret, label });
      continue;
    }
    targets.push({ format, url: url.toString(), label });
  }
  return targets;
}

import { createHmac } from "node:crypto";
import type { AlertTarget } from "./alert-target.js";

/** A webhook request ready to post: where, and the JSON body. */
export interface AlertRequest {
  url: string;
  body: unknown;
}

/**
 * Signs a request for a robot whose security setting is "signature" (加签), when its target carries a
 * signing secret (pure; `nowMs` is the clock):
 * - DingTalk custom robot: `timestamp` (milliseconds) and `sign` added to the URL's query, `sign` being
 *   Base64(HMAC-SHA256(key: secret, message: `${timestamp}\n${secret}`));
 * - Feishu/Lark custom bot: `timestamp` (seconds, a string) and `sign` added to the body, `sign` being
 *   Base64(HMAC-SHA256(key: `${timestamp}\n${secret}`, message: empty)).
 * Both services refuse a timestamp more than an hour off, so each send (and each retry) signs anew.
 */
export function signAlertRequest(target: AlertTarget, payload: unknown, nowMs: number): AlertRequest {
  const secret = target.signingSecret;
  if (secret === undefined) return { url: target.url, body: payload };
  if (target.format === "dingtalk") {
    const timestamp = String(nowMs);
    const sign = createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64");
    const url = new URL(target.url);
    url.searchParams.set("timestamp", timestamp);
    url.searchParams.set("sign", sign);
    return { url: url.toString(), body: payload };
  }
  if (target.format === "feishu") {
    const timestamp = String(Math.floor(nowMs / 1000));
    const sign = createHmac("sha256", `${timestamp}\n${secret}`).update("").digest("base64");
    return { url: target.url, body: { timestamp, sign, ...(payload as object) } };
  }
  return { url: target.url, body: payload };
}

import { createHmac } from "node:crypto";
import { parseAlertTargets } from "../../../src/alerts/alert-target.js";
import { signAlertRequest } from "../../../src/alerts/sign-alert-request.js";

const SECRET = "SECfake0123456789abcdef";
const NOW_MS = 1_764_547_200_123;
const payload = { msgtype: "text", text: { content: "hello" } };

test("a DingTalk robot with a secret: timestamp (ms) and sign in the query, the secret never posted", () => {
  const [target] = parseAlertTargets(
    `https://oapi.dingtalk.com/robot/send?access_token=tok&secret=${SECRET}`,
  );
  if (!target) throw new Error("target");
  expect(target.url).not.toContain(SECRET);
  const signed = signAlertRequest(target, payload, NOW_MS);
  const url = new URL(signed.url);
  expect(url.searchParams.get("access_token")).toBe("tok");
  expect(url.searchParams.get("timestamp")).toBe(String(NOW_MS));
  // DingTalk's documented check: Base64(HMAC-SHA256 keyed by the secret over "timestamp\nsecret").
  const expected = createHmac("sha256", SECRET).update(`${NOW_MS}\n${SECRET}`).digest("base64");
  expect(url.searchParams.get("sign")).toBe(expected);
  expect(signed.url).not.toContain(SECRET);
  expect(signed.body).toBe(payload);
});

test("a Feishu bot with a secret: timestamp (s) and sign in the body beside the message", () => {
  const [target] = parseAlertTargets(`https://open.feishu.cn/open-apis/bot/v2/hook/abc?secret=${SECRET}`);
  if (!target) throw new Error("target");
  const signed = signAlertRequest(target, { msg_type: "text", content: { text: "hello" } }, NOW_MS);
  const seconds = String(Math.floor(NOW_MS / 1000));
  // Feishu's documented check: Base64(HMAC-SHA256 keyed by "timestamp\nsecret" over nothing).
  const expected = createHmac("sha256", `${seconds}\n${SECRET}`).update("").digest("base64");
  expect(signed.body).toEqual({
    timestamp: seconds,
    sign: expected,
    msg_type: "text",
    content: { text: "hello" },
  });
  expect(signed.url).toBe("https://open.feishu.cn/open-apis/bot/v2/hook/abc");
});

test("without a secret nothing is added; other formats keep a 'secret' parameter as it is", () => {
  const [dingtalk, generic] = parseAlertTargets(
    "https://oapi.dingtalk.com/robot/send?access_token=tok json+https://example.test/hook?secret=mine",
  );
  if (!dingtalk || !generic) throw new Error("targets");
  expect(signAlertRequest(dingtalk, payload, NOW_MS)).toEqual({ url: dingtalk.url, body: payload });
  expect(generic.url).toBe("https://example.test/hook?secret=mine");
  expect(() => parseAlertTargets("https://oapi.dingtalk.com/robot/send?access_token=t&secret=")).toThrow(
    /empty \?secret=/,
  );
});

import { describeAlert } from "../../../src/alerts/alert-event.js";
import { parseAlertTargets } from "../../../src/alerts/alert-target.js";
import { acceptedByService, formatAlertPayload } from "../../../src/alerts/format-alert-payload.js";

const [feishu, dingtalk, wecom, telegram, slack] = parseAlertTargets(
  "feishu+http://h/f dingtalk+http://h/d wecom+http://h/w http://api.telegram.org/botX/sendMessage?chat_id=1 slack+http://h/s",
);

test("a long reason is cut to what every service takes (Discord's 2000 characters, WeCom's 2048 bytes)", () => {
  const message = describeAlert({ kind: "key_disabled", keyId: "key-1", reason: "x".repeat(5_000) }, 0);
  const payload = formatAlertPayload(
    { format: "discord", url: "http://h/", label: "discord h" },
    message,
  ) as {
    content: string;
  };
  expect(payload.content.length).toBeLessThanOrEqual(1_800);
  expect(payload.content.startsWith("[gemini-rotator] Key key-1 disabled\nReason: x")).toBe(true);
});

test("services that answer 200 with an error code in the body did not take the message", () => {
  if (!feishu || !dingtalk || !wecom || !telegram || !slack) throw new Error("targets");
  expect(acceptedByService(feishu, 200, { code: 0, msg: "success" })).toBe(true);
  expect(acceptedByService(feishu, 200, { code: 19024, msg: "Key Words Not Found" })).toBe(false);
  expect(acceptedByService(dingtalk, 200, { errcode: 310000, errmsg: "keywords not in content" })).toBe(
    false,
  );
  expect(acceptedByService(wecom, 200, { errcode: 93000, errmsg: "invalid webhook url" })).toBe(false);
  expect(acceptedByService(wecom, 200, { errcode: 0, errmsg: "ok" })).toBe(true);
  expect(acceptedByService(telegram, 400, { ok: false, description: "Bad Request: chat not found" })).toBe(
    false,
  );
  expect(acceptedByService(slack, 200, "ok")).toBe(true);
  expect(acceptedByService(slack, 404, "no_service")).toBe(false);
});

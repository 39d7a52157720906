import { parseAlertTargets } from "../../../src/alerts/alert-target.js";

describe("ALERT_WEBHOOK_URL", () => {
  test("each service is recognised by its host; anything else is generic JSON", () => {
    const targets = parseAlertTargets(
      [
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "https://discord.com/api/webhooks/123/abc",
        "https://api.telegram.org/bot123:abc/sendMessage?chat_id=42",
        "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
        "https://open.larksuite.com/open-apis/bot/v2/hook/abc",
        "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        "https://alerts.example.com/hook",
      ].join(", "),
    );
    expect(targets.map((target) => target.format)).toEqual([
      "slack",
      "discord",
      "telegram",
      "feishu",
      "feishu",
      "dingtalk",
      "wecom",
      "json",
    ]);
    expect(targets[2]).toEqual({
      format: "telegram",
      url: "https://api.telegram.org/bot123:abc/sendMessage",
      chatId: "42",
      label: "telegram api.telegram.org",
    });
    // Labels never hold a path or a query (the webhook's secret).
    for (const target of targets) expect(target.label).not.toMatch(/abc|XXXX|123/);
  });

  test("a prefix names the format of any URL (a relay, a test receiver)", () => {
    expect(parseAlertTargets("wecom+http://127.0.0.1:9000/relay?key=k\nslack+http://[::1]:9001/")).toEqual([
      { format: "wecom", url: "http://127.0.0.1:9000/relay?key=k", label: "wecom 127.0.0.1:9000" },
      { format: "slack", url: "http://[::1]:9001/", label: "slack [::1]:9001" },
    ]);
  });

  test("mistakes are named without the secret part", () => {
    expect(() => parseAlertTargets("teams+https://example.com/x")).toThrow(/"teams\+…" names no format/);
    expect(() => parseAlertTargets("https://api.telegram.org/botSECRET/sendMessage")).toThrow(
      /needs \?chat_id/,
    );
    expect(() => parseAlertTargets("https://api.telegram.org/botSECRET/sendMessage")).not.toThrow(/SECRET/);
    expect(() => parseAlertTargets("ftp://example.com/x")).toThrow(/not http or https/);
  });
});

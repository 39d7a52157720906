import { describe, expect, test } from "@jest/globals";
import { SecretIndex } from "../../../src/secrets/secret-index.js";
import { containsSecret, redactSecrets, secretTailStart } from "../../../src/secrets/secret-patterns.js";

/** Keys a relay might issue: not Google's shape, so only the index can find them. */
const relayKeys = Array.from(
  { length: 2_000 },
  (_, index) => `relay-fake-key-${String(index).padStart(5, "0")}`,
);
const pool = Object.freeze([...relayKeys]);

/** The plain way: every secret searched for on its own, longest first. */
function naive(text: string, secrets: readonly string[], replacement: string): string {
  let result = text;
  for (const secret of [...secrets].sort((first, second) => second.length - first.length)) {
    result = result.split(secret).join(replacement);
  }
  return result;
}

describe("the secret index", () => {
  test("finds any of thousands of keys anywhere in a text, each whole", () => {
    const index = new SecretIndex(relayKeys);
    const text = `start ${relayKeys[0]} "middle":"${relayKeys[1234]}",${relayKeys[1999]}`;
    expect(index.replace(text, "[x]")).toBe(`start [x] "middle":"[x]",[x]`);
    expect(index.contains(text)).toBe(true);
    expect(index.contains(`relay-fake-key-02000 relay-fake-key-0123`)).toBe(false);
  });

  test("a key inside a longer token (key=…, a path) is found too", () => {
    const index = new SecretIndex(relayKeys);
    expect(index.replace(`/v1?key=${relayKeys[7]}&x=1`, "[x]")).toBe("/v1?key=[x]&x=1");
    expect(index.replace(`prefix${relayKeys[7]}suffix`, "[x]")).toBe("prefix[x]suffix");
  });

  test("secrets with characters keys never hold (a webhook URL) are found as well", () => {
    const odd = Array.from(
      { length: 20 },
      (_, index) => `https://hooks.example/fake/${index}?sig=zz${index}`,
    );
    const index = new SecretIndex([...odd, ...relayKeys]);
    const text = `posting to ${odd[13]} with ${relayKeys[5]}`;
    expect(index.replace(text, "[x]")).toBe("posting to [x] with [x]");
  });

  test("a secret that contains another is hidden whole", () => {
    const secrets = [...relayKeys.slice(0, 10), "relay-fake-key-00001-and-more"];
    const index = new SecretIndex(secrets);
    expect(index.replace("a relay-fake-key-00001-and-more b", "[x]")).toBe("a [x] b");
  });

  test("agrees with searching for every secret on its own, over random texts", () => {
    const secrets = [...relayKeys.slice(0, 50), "token:with spaces!", "fake-admin-token-0042"];
    const index = new SecretIndex(secrets);
    const pieces = [...secrets, " ", "\n", '"', "relay-fake-key-", "x", "é", "AIza", "-0", "00"];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 12 }, () => pieces[Math.floor(random() * pieces.length)]).join("");
      expect(index.replace(text, "#")).toBe(naive(text, secrets, "#"));
    }
  });

  test("only the end of a text that begins a secret is held for the next piece", () => {
    const lists = [pool];
    expect(secretTailStart("text relay-fake-key-012", lists)).toBe("text ".length);
    expect(secretTailStart("text relay-fake-key-099999", lists)).toBe("text relay-fake-key-099999".length);
    expect(secretTailStart('data: {"x":1}\r\n\r\n', lists)).toBe('data: {"x":1}\r\n\r\n'.length);
    expect(secretTailStart("no", lists)).toBe(2);
  });

  test("the exported helpers hide the pool's keys, key-shaped strings and client tokens", () => {
    const keyShaped = `AIza${"Fake".repeat(8)}Xk3f`;
    const text = `${relayKeys[42]} ${keyShaped} grt_${"f".repeat(43)}`;
    expect(redactSecrets(text, [pool])).toBe("[redacted key] [redacted key] [redacted client token]");
    expect(containsSecret(`x ${relayKeys[42]} y`, [pool])).toBe(true);
    expect(containsSecret("gemini-2.5-flash", [pool])).toBe(false);
  });
});

import { describe, expect, test } from "@jest/globals";
import { createStreamRedactor } from "../../../src/secrets/redact-stream.js";
import { redactSecrets, secretTailStart } from "../../../src/secrets/secret-patterns.js";

const POOL_KEY = "fake-key-alpha-0001";
const KEY_SHAPED = `AIza${"Fake".repeat(8)}Xk3f`;
const secrets = () => [Object.freeze([POOL_KEY, "fake-key-bravo-0002"])];

/** Runs `text` through a stream redactor in pieces cut at `cuts`. */
function redactInPieces(text: string, cuts: readonly number[], lists = secrets): string {
  const redactor = createStreamRedactor(lists);
  const bytes = Buffer.from(text, "utf8");
  const output: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    output.push(redactor.push(bytes.subarray(start, cut)));
    start = cut;
  }
  output.push(redactor.end());
  return Buffer.concat(output).toString("utf8");
}

describe("secrets in a relayed stream", () => {
  const event = (text: string) => `data: {"candidates":[{"content":{"parts":[{"text":"${text}"}]}}]}\r\n\r\n`;
  const stream = `${event("the key is ")}${event(`${POOL_KEY} and ${KEY_SHAPED}, in ünïcødé`)}${event("done")}`;

  test("a key split across two pieces at any byte is hidden, and every other byte passes unchanged", () => {
    const whole = redactSecrets(stream, secrets());
    expect(whole).not.toContain(POOL_KEY);
    expect(whole).not.toContain(KEY_SHAPED);
    for (let cut = 1; cut < Buffer.byteLength(stream); cut++) {
      expect(redactInPieces(stream, [cut])).toBe(whole);
    }
  });

  test("one byte at a time, too", () => {
    const cuts = Array.from({ length: Buffer.byteLength(stream) - 1 }, (_, index) => index + 1);
    expect(redactInPieces(stream, cuts)).toBe(redactSecrets(stream, secrets()));
  });

  test("a piece that ends between events is passed on whole at once: nothing is held back", () => {
    const redactor = createStreamRedactor(secrets);
    const first = event("hello");
    expect(redactor.push(Buffer.from(first)).toString()).toBe(first);
    expect(redactor.end().length).toBe(0);
  });

  test("only what could start a secret waits for the next piece", () => {
    expect(secretTailStart("text fake-key-al", secrets())).toBe("text ".length);
    expect(secretTailStart("text AIzaSyAbc", secrets())).toBe("text ".length);
    expect(secretTailStart("plain text\n\n", secrets())).toBe("plain text\n\n".length);
  });

  test("with a pool of thousands of odd-shaped keys, a key split at any byte is hidden too", () => {
    const large = Object.freeze([
      ...Array.from({ length: 3_000 }, (_, index) => `fake-key-pool-${String(index).padStart(5, "0")}`),
      POOL_KEY,
    ]);
    const lists = () => [large];
    const text = `${event("keys ")}${event(`${large[1717]} and ${POOL_KEY}`)}`;
    const whole = redactSecrets(text, lists());
    expect(whole).not.toContain(large[1717]);
    expect(whole).not.toContain(POOL_KEY);
    for (let cut = 1; cut < Buffer.byteLength(text); cut++) {
      expect(redactInPieces(text, [cut], lists)).toBe(whole);
    }
  });
});

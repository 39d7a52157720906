import { parseClientTokensFile } from "../../../src/clients/client-tokens-file.js";

const HASH = `sha256:${"a".repeat(64)}`;
const OTHER_HASH = `sha256:${"b".repeat(64)}`;

describe("CLIENT_TOKENS_FILE", () => {
  test("entries become tokens; absent limits and models mean none", () => {
    const tokens = parseClientTokensFile(
      JSON.stringify({
        tokens: [
          {
            name: "alice",
            secretHash: HASH,
            models: ["gemini-2.5-*"],
            limits: { requestsPerMinute: 10, tokensPerDay: null },
            expiresAt: "2030-01-01T00:00:00Z",
          },
          { name: "bob", secretHash: OTHER_HASH, enabled: false },
        ],
      }),
      1_000,
    );
    expect(tokens).toEqual([
      {
        name: "alice",
        secretHash: HASH,
        models: ["gemini-2.5-*"],
        limits: { requestsPerMinute: 10 },
        expiresAt: Date.parse("2030-01-01T00:00:00Z"),
        enabled: true,
        createdAt: 1_000,
        source: "file",
      },
      {
        name: "bob",
        secretHash: OTHER_HASH,
        models: [],
        limits: {},
        enabled: false,
        createdAt: 1_000,
        source: "file",
      },
    ]);
  });

  test.each([
    ["not JSON", "{", /not JSON/],
    [
      "a plaintext secret",
      JSON.stringify([{ name: "a", secretHash: "grt_plaintext" }]),
      /tokens\[0\]\.secretHash/,
    ],
    ["an unknown field", JSON.stringify([{ name: "a", secretHash: HASH, secret: "x" }]), /tokens\[0\]/],
    [
      "a name used twice",
      JSON.stringify([
        { name: "a", secretHash: HASH },
        { name: "a", secretHash: OTHER_HASH },
      ]),
      /used twice/,
    ],
    [
      "a zero limit",
      JSON.stringify([{ name: "a", secretHash: HASH, limits: { requestsPerDay: 0 } }]),
      /tokens\[0\]\.limits\.requestsPerDay/,
    ],
    ["a bad name", JSON.stringify([{ name: "a b", secretHash: HASH }]), /tokens\[0\]\.name/],
  ])("%s is refused with the entry named", (_what, text, message) => {
    expect(() => parseClientTokensFile(text, 0)).toThrow(message);
  });
});

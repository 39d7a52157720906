/**
 * `CLIENT_TOKENS_FILE` on the built server: tokens declared with only their secret's hash work with
 * their limits and models, are read-only through /admin, make the API need a token even without
 * ACCESS_TOKEN, and a file with a mistake stops start-up with one line naming it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashClientTokenSecret, mintClientTokenSecret } from "../../src/clients/client-token-secret.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { E2E_KEYS } from "../support/e2e-environment.js";
import { request } from "../support/http.js";

const chat = (model = "gemini-2.5-flash") => ({ model, messages: [{ role: "user", content: "Say hi" }] });

describe("client tokens declared in CLIENT_TOKENS_FILE", () => {
  let fake: FakeGemini;
  let folder: string;

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: E2E_KEYS });
    folder = await mkdtemp(join(tmpdir(), "gemini-rotator-tokens-"));
  });
  afterAll(async () => {
    await fake?.close();
    await rm(folder, { recursive: true, force: true });
  });

  test("a file token works with its limits and models; without ACCESS_TOKEN, no token is refused", async () => {
    const secret = mintClientTokenSecret();
    const file = join(folder, "tokens.json");
    await writeFile(
      file,
      JSON.stringify({
        tokens: [
          {
            name: "ci-agent",
            secretHash: hashClientTokenSecret(secret),
            models: ["gemini-2.5-flash*"],
            limits: { requestsPerMinute: 2 },
          },
        ],
      }),
    );
    let server: BuiltServer | undefined;
    try {
      server = await startBuiltServer({
        geminiBaseUrl: fake.url,
        keys: E2E_KEYS,
        env: { CLIENT_TOKENS_FILE: file },
      });
      const url = server.url;
      expect((await request(`${url}/v1/chat/completions`, { body: chat(), token: null })).status).toBe(401);
      expect((await request(`${url}/v1/chat/completions`, { body: chat(), token: secret })).status).toBe(200);
      expect(
        (await request(`${url}/v1/chat/completions`, { body: chat("gemini-2.5-pro"), token: secret })).status,
      ).toBe(403);
      expect((await request(`${url}/v1/chat/completions`, { body: chat(), token: secret })).status).toBe(200);
      expect((await request(`${url}/v1/chat/completions`, { body: chat(), token: secret })).status).toBe(429);

      const listed = await request(`${url}/admin/tokens/ci-agent`, { token: null });
      expect(listed.json).toMatchObject({
        name: "ci-agent",
        source: "file",
        limits: { requestsPerMinute: 2 },
      });
      const patched = await request(`${url}/admin/tokens/ci-agent`, {
        token: null,
        method: "PATCH",
        body: { limits: { requestsPerMinute: 100 } },
      });
      expect(patched.status).toBe(409);
      expect(patched.json.error.code).toBe("token_from_file");
    } finally {
      await server?.stop();
    }
  });

  test("a file with a mistake stops start-up with one line naming the entry", async () => {
    const file = join(folder, "bad-tokens.json");
    await writeFile(file, JSON.stringify({ tokens: [{ name: "plain", secret: "grt_not-a-hash" }] }));
    await expect(
      startBuiltServer({ geminiBaseUrl: fake.url, keys: E2E_KEYS, env: { CLIENT_TOKENS_FILE: file } }),
    ).rejects.toThrow(/CLIENT_TOKENS_FILE \(.*bad-tokens\.json\): tokens\[0\]/);
  });
});

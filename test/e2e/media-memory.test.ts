/**
 * The BUILT gateway's memory stays bounded when clients name many large remote images: a few small
 * requests naming 16 images of 8 MB each once took the process to gigabytes.
 */
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { type ImageHost, startImageHost } from "../support/image-host.js";

const KEYS = ["fake-key-media-memory-0001"];
const MB = 1024 * 1024;

let images: ImageHost;
let fake: FakeGemini;
let server: BuiltServer;
beforeAll(async () => {
  images = await startImageHost();
  fake = await startFakeGemini({ keys: KEYS });
  server = await startBuiltServer({
    geminiBaseUrl: fake.url,
    keys: KEYS,
    env: { ALLOW_PRIVATE_MEDIA_URLS: "true" },
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
  await images?.close();
});

async function residentBytes(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = text.match(/^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m);
  if (!match?.[1]) throw new Error("no process_resident_memory_bytes in /metrics");
  return Number(match[1]);
}

test("4 concurrent requests naming 16 images of 8 MB each: clear 413s and 503s, and memory stays bounded", async () => {
  const before = await residentBytes();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await residentBytes());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  const responses = await Promise.all(
    [0, 1, 2, 3].map(async (request) => {
      const content = [
        { type: "text", text: "Describe these" },
        ...Array.from({ length: 16 }, (_, index) => ({
          type: "image_url",
          image_url: { url: `${images.url}/image/${8 * MB}/r${request}-${index}` },
        })),
      ];
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content }] }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code?: string } } };
    }),
  );
  sampling = false;
  await sampler;

  // Everything held is bounded by MEDIA_MAX_PROCESS_BYTES (64 MB by default), far from the 512 MB the
  // images add up to.
  expect(peak - before).toBeLessThan(300 * MB);
  for (const response of responses) {
    expect([413, 503]).toContain(response.status);
    expect(["media_too_large", "media_downloads_busy"]).toContain(response.body.error?.code);
  }
  expect(fake.requests).toHaveLength(0);
}, 60_000);

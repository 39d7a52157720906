/**
 * Remote images are downloaded within limits: how many URLs, how many bytes per request, how many
 * bytes held process-wide, how many downloads at once. Each limit answers in OpenAI's envelope.
 */
import { reply } from "../fake-gemini/index.js";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { type ImageHost, startImageHost } from "../support/image-host.js";
import { waitFor } from "../support/poll.js";

const KB = 1024;

function chatWithImages(urls: readonly string[]) {
  return {
    model: "gemini-2.5-flash",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Compare these" },
          ...urls.map((url) => ({ type: "image_url", image_url: { url } })),
        ],
      },
    ],
  };
}

let images: ImageHost;
let harness: Harness;
beforeAll(async () => {
  images = await startImageHost();
  harness = await startHarness({
    env: {
      ALLOW_PRIVATE_MEDIA_URLS: "true",
      MEDIA_MAX_URLS: "12",
      MEDIA_MAX_REQUEST_BYTES: "1mb",
      MEDIA_MAX_PROCESS_BYTES: "1536kb",
    },
  });
});
afterAll(async () => {
  await harness?.stop();
  await images?.close();
});
beforeEach(() => {
  images.reset();
  harness.fake.reset();
});

const image = (bytes: number, name: string) => `${images.url}/image/${bytes}/${name}`;

test("images within the limits are downloaded and sent inline", async () => {
  const response = await postJson(
    `${harness.url}/v1/chat/completions`,
    chatWithImages([image(300 * KB, "a"), image(300 * KB, "b")]),
  );
  expect(response.status).toBe(200);
  const sent = harness.fake.requests[0]?.body as any;
  const parts = sent.contents[0].parts;
  expect(parts.filter((part: any) => part.inlineData?.mimeType === "image/png")).toHaveLength(2);
});

test("more distinct URLs than MEDIA_MAX_URLS is a 400 before anything is downloaded", async () => {
  const urls = Array.from({ length: 13 }, (_, index) => image(1 * KB, `n${index}`));
  const response = await postJson(`${harness.url}/v1/chat/completions`, chatWithImages(urls));
  expect(response.status).toBe(400);
  expect(response.json).toEqual({
    error: {
      message: expect.stringContaining("at most 12"),
      type: "invalid_request_error",
      code: "too_many_media_urls",
      param: "messages",
    },
  });
  expect(images.requests).toBe(0);
  expect(harness.fake.requests).toHaveLength(0);
});

test("the Anthropic Messages route keeps the same limits, in Anthropic's envelope", async () => {
  const content = [
    { type: "text", text: "Compare these" },
    ...Array.from({ length: 13 }, (_, index) => ({
      type: "image",
      source: { type: "url", url: image(1 * KB, `a${index}`) },
    })),
  ];
  const response = await postJson(
    `${harness.url}/v1/messages`,
    { model: "gemini-2.5-flash", max_tokens: 100, messages: [{ role: "user", content }] },
    { "anthropic-version": "2023-06-01" },
  );
  expect(response.status).toBe(400);
  expect(response.json).toMatchObject({
    type: "error",
    error: { type: "invalid_request_error", message: expect.stringContaining("at most 12") },
  });
  expect(images.requests).toBe(0);
});

test("the Responses route names its own field, input, in the same 400", async () => {
  const content = [
    { type: "input_text", text: "Compare these" },
    ...Array.from({ length: 13 }, (_, index) => ({
      type: "input_image",
      image_url: image(1 * KB, `r${index}`),
    })),
  ];
  const response = await postJson(`${harness.url}/v1/responses`, {
    model: "gemini-2.5-flash",
    input: [{ role: "user", content }],
  });
  expect(response.status).toBe(400);
  expect(response.json.error).toMatchObject({
    message: expect.stringContaining("at most 12"),
    code: "too_many_media_urls",
    param: "input",
  });
  expect(images.requests).toBe(0);
});

test("images that add up to more than MEDIA_MAX_REQUEST_BYTES are a 413, and nothing goes upstream", async () => {
  const urls = [image(400 * KB, "x"), image(400 * KB, "y"), image(400 * KB, "z")];
  const response = await postJson(`${harness.url}/v1/chat/completions`, chatWithImages(urls));
  expect(response.status).toBe(413);
  expect(response.json).toEqual({
    error: {
      message: expect.stringContaining("MEDIA_MAX_REQUEST_BYTES"),
      type: "invalid_request_error",
      code: "media_too_large",
      param: null,
    },
  });
  expect(harness.fake.requests).toHaveLength(0);
});

test("one image larger than the request's budget is a 413 naming its URL", async () => {
  const url = image(2 * 1024 * KB, "huge");
  const response = await postJson(`${harness.url}/v1/chat/completions`, chatWithImages([url]));
  expect(response.status).toBe(413);
  expect(response.json.error.message).toContain(url);
  expect(response.json.error.code).toBe("media_too_large");
});

test("one request downloads at most 4 images at once", async () => {
  images.delayMs = 300;
  const urls = Array.from({ length: 10 }, (_, index) => image(1 * KB, `c${index}`));
  const response = await postJson(`${harness.url}/v1/chat/completions`, chatWithImages(urls));
  expect(response.status).toBe(200);
  expect(images.requests).toBe(10);
  expect(images.mostAtOnce).toBe(4);
});

test("the whole process downloads at most 8 images at once, whichever requests they serve", async () => {
  images.delayMs = 300;
  const requests = [0, 1, 2, 3].map((request) =>
    postJson(
      `${harness.url}/v1/chat/completions`,
      chatWithImages(Array.from({ length: 4 }, (_, index) => image(1 * KB, `p${request}-${index}`))),
    ),
  );
  const responses = await Promise.all(requests);
  expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
  expect(images.requests).toBe(16);
  expect(images.mostAtOnce).toBe(8);
});

// Requests that the client abandons get a gateway of their own, started fresh.
describe("requests the client abandons", () => {
  let own: Harness;
  beforeAll(async () => {
    own = await startHarness({
      env: {
        ALLOW_PRIVATE_MEDIA_URLS: "true",
        MEDIA_MAX_REQUEST_BYTES: "1mb",
        MEDIA_MAX_PROCESS_BYTES: "1536kb",
      },
    });
  });
  afterAll(async () => {
    await own?.stop();
  });
  beforeEach(() => {
    own.fake.reset();
  });

  test("while other requests hold MEDIA_MAX_PROCESS_BYTES, a new one is a 503 with Retry-After; their end frees it", async () => {
    // The first request's answer never comes while the client waits, so its 1 MB of images stays held.
    own.fake.enqueue(reply.hang());
    const client = new AbortController();
    const holding = fetch(`${own.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chatWithImages([image(500 * KB, "h1"), image(500 * KB, "h2")])),
      signal: client.signal,
    }).catch(() => undefined);
    await waitFor(() => (own.fake.requests.length === 1 ? true : undefined), {
      what: "the first request to reach the upstream",
    });

    const refused = await postJson(
      `${own.url}/v1/chat/completions`,
      chatWithImages([image(700 * KB, "second")]),
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.json.error).toMatchObject({ type: "server_error", code: "media_downloads_busy" });
    expect(refused.json.error.message).toContain("MEDIA_MAX_PROCESS_BYTES");

    client.abort();
    await holding;
    let retried = refused;
    for (const deadline = Date.now() + 15_000; retried.status !== 200 && Date.now() < deadline; ) {
      retried = await postJson(`${own.url}/v1/chat/completions`, chatWithImages([image(700 * KB, "again")]));
    }
    expect(retried.status).toBe(200);
  });

  test("a client that hangs up during an image download is not logged as an error", async () => {
    const client = new AbortController();
    const before = own.logs.length;
    const request = fetch(`${own.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "hangs-up-during-download" },
      body: JSON.stringify(chatWithImages([`${images.url}/hang/forever`])),
      signal: client.signal,
    }).catch(() => undefined);
    await waitFor(() => (images.requests === 1 ? true : undefined), { what: "the download to start" });
    client.abort();
    await request;
    // The gateway handles the abandoned download before the image host sees its connection close.
    await waitFor(() => (images.abandoned === 1 ? true : undefined), {
      what: "the download to be abandoned",
    });
    const lines = () => own.logs.slice(before).map((line) => JSON.parse(line));
    await waitFor(
      () =>
        lines().some((line) => line.requestId === "hangs-up-during-download" && line.msg === "request")
          ? true
          : undefined,
      { what: "the request's log line" },
    );
    expect(lines().find((line) => line.requestId === "hangs-up-during-download")).toMatchObject({
      status: 499,
    });
    expect(lines().filter((line) => line.level === "error" || line.level === "fatal")).toEqual([]);
  });
});

import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { GatewayError } from "../../../../src/errors.js";
import { fetchRemoteMedia } from "../../../../src/media/fetch-remote-media.js";
import { ClientGoneError } from "../../../../src/upstream/gemini-client.js";
import { pngBase64 } from "../fixtures/client-requests.js";

const png = Buffer.from(pngBase64, "base64");
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case "/cat.png":
        response.writeHead(200, { "content-type": "image/png; charset=binary" });
        response.end(png);
        return;
      case "/untyped":
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.end(png);
        return;
      case "/page.html":
        response.writeHead(200, { "content-type": "text/html" });
        response.end("<html></html>");
        return;
      case "/big":
        response.writeHead(200, { "content-type": "image/png" });
        response.end(Buffer.alloc(4096));
        return;
      case "/big-chunked":
        response.writeHead(200, { "content-type": "image/png", "transfer-encoding": "chunked" });
        for (let piece = 0; piece < 8; piece++) response.write(Buffer.alloc(1024));
        response.end();
        return;
      case "/redirect":
        response.writeHead(302, { location: "/cat.png" });
        response.end();
        return;
      case "/loop":
        response.writeHead(302, { location: "/loop" });
        response.end();
        return;
      case "/slow":
        setTimeout(() => {
          if (response.destroyed) return;
          response.writeHead(200, { "content-type": "image/png" });
          response.end(png);
        }, 2000).unref();
        return;
      default:
        response.writeHead(404);
        response.end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("the download succeeded");
}

describe("fetchRemoteMedia with private addresses allowed (a local server)", () => {
  const allowed = { allowPrivateAddresses: true };

  test("an image comes back as inlineData with the content-type as mimeType", async () => {
    await expect(fetchRemoteMedia(`${baseUrl}/cat.png`, allowed)).resolves.toEqual({
      mimeType: "image/png",
      data: pngBase64,
    });
  });

  test("a generic content-type is replaced by the type the bytes show", async () => {
    await expect(fetchRemoteMedia(`${baseUrl}/untyped`, allowed)).resolves.toEqual({
      mimeType: "image/png",
      data: pngBase64,
    });
  });

  test("redirects are followed, up to a limit", async () => {
    await expect(fetchRemoteMedia(`${baseUrl}/redirect`, allowed)).resolves.toMatchObject({
      mimeType: "image/png",
    });
    const error = await failureOf(fetchRemoteMedia(`${baseUrl}/loop`, allowed));
    expect(error.message).toMatch(/redirect/);
  });

  test.each([
    ["/missing", /HTTP 404/],
    ["/page.html", /not an image \(content-type text\/html\)/],
  ])("%s is a 400 naming the URL and the problem", async (path, problem) => {
    const error = await failureOf(fetchRemoteMedia(`${baseUrl}${path}`, allowed));
    expect(error.status).toBe(400);
    expect(error.message).toContain(`${baseUrl}${path}`);
    expect(error.message).toMatch(problem);
  });

  test.each(["/big", "/big-chunked"])("%s over the size cap is refused with a 413", async (path) => {
    const error = await failureOf(fetchRemoteMedia(`${baseUrl}${path}`, { ...allowed, maxBytes: 2048 }));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/larger than/);
  });

  test("a slow server hits the timeout", async () => {
    const error = await failureOf(fetchRemoteMedia(`${baseUrl}/slow`, { ...allowed, timeoutMs: 200 }));
    expect(error.message).toMatch(/longer than 200 ms/);
  });

  test("a client hang-up is a ClientGoneError, not turned into a 400", async () => {
    const controller = new AbortController();
    const download = fetchRemoteMedia(`${baseUrl}/slow`, { ...allowed, signal: controller.signal });
    controller.abort();
    await expect(download).rejects.toBeInstanceOf(ClientGoneError);
  });

  test("only http and https", async () => {
    const error = await failureOf(fetchRemoteMedia("file:///etc/passwd", allowed));
    expect(error.message).toMatch(/only http and https/);
  });
});

describe("fetchRemoteMedia refuses private addresses by default", () => {
  test("a literal loopback address", async () => {
    const error = await failureOf(fetchRemoteMedia(`${baseUrl}/cat.png`));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/127\.0\.0\.1 is a private or loopback address/);
  });

  test("a host name that resolves to loopback (checked at connection time)", async () => {
    const port = (server.address() as AddressInfo).port;
    const error = await failureOf(fetchRemoteMedia(`http://localhost:${port}/cat.png`));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a private or loopback address/);
  });

  test.each([
    "http://[::1]/x.png",
    "http://[::ffff:127.0.0.1]/x.png",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/x.png",
  ])("%s", async (url) => {
    const error = await failureOf(fetchRemoteMedia(url, { timeoutMs: 1000 }));
    expect(error.message).toMatch(/private or loopback/);
  });
});

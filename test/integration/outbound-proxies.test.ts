/**
 * Calls to Google go through the proxies people configure, tested through REAL local proxies: a
 * global HTTP_PROXY / HTTPS_PROXY (NO_PROXY honoured), per-key `proxy=`, which wins, and SOCKS5 for
 * both (the SOCKS5 server is @pondwader/socks5-server, on loopback).
 */
import { createServer as createSocksServer, type Socks5Server } from "@pondwader/socks5-server";
import { Server as ProxyServer } from "proxy-chain";
import { loadConfig } from "../../src/config.js";
import { freePort } from "../support/free-port.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const [ALPHA, BRAVO] = TEST_KEYS;
const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "through the proxy" }] };

let httpProxy: ProxyServer;
let httpProxied = 0;
let socksProxy: Socks5Server;
let socksPort = 0;
let socksProxied = 0;

beforeAll(async () => {
  httpProxy = new ProxyServer({
    port: 0,
    host: "127.0.0.1",
    prepareRequestFunction: () => {
      httpProxied += 1;
      return {};
    },
  });
  await httpProxy.listen();
  socksProxy = createSocksServer();
  socksProxy.setRulesetValidator(() => {
    socksProxied += 1;
    return true;
  });
  socksPort = await freePort();
  await new Promise<void>((resolve) => socksProxy.listen(socksPort, "127.0.0.1", () => resolve()));
});
afterAll(async () => {
  await httpProxy.close(true);
  await new Promise((resolve) => socksProxy.close(resolve));
});
beforeEach(() => {
  httpProxied = 0;
  socksProxied = 0;
});

async function withGateway(
  options: Parameters<typeof startHarness>[0],
  run: (harness: Harness) => Promise<void>,
) {
  const harness = await startHarness(options);
  try {
    await run(harness);
  } finally {
    await harness.stop();
  }
}

async function chatTwice(harness: Harness) {
  for (let request = 0; request < 2; request++)
    expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
}

test("HTTP_PROXY carries every call to the upstream", async () => {
  await withGateway(
    { keys: [ALPHA], env: { HTTP_PROXY: `http://127.0.0.1:${httpProxy.port}` } },
    async (harness) => {
      await chatTwice(harness);
      expect(httpProxied).toBeGreaterThanOrEqual(1);
      expect(harness.fake.requests).toHaveLength(2);
    },
  );
});

test("the lower-case http_proxy works too", async () => {
  await withGateway(
    { keys: [ALPHA], env: { http_proxy: `http://127.0.0.1:${httpProxy.port}` } },
    async (harness) => {
      await chatTwice(harness);
      expect(httpProxied).toBeGreaterThanOrEqual(1);
    },
  );
});

test("NO_PROXY naming the upstream's host sends its calls directly", async () => {
  await withGateway(
    { keys: [ALPHA], env: { HTTP_PROXY: `http://127.0.0.1:${httpProxy.port}`, NO_PROXY: "127.0.0.1" } },
    async (harness) => {
      await chatTwice(harness);
      expect(httpProxied).toBe(0);
    },
  );
});

test("a socks5:// HTTP_PROXY carries every call through a real SOCKS5 server", async () => {
  await withGateway(
    { keys: [ALPHA], env: { HTTP_PROXY: `socks5://127.0.0.1:${socksPort}` } },
    async (harness) => {
      await chatTwice(harness);
      expect(socksProxied).toBeGreaterThanOrEqual(1);
      expect(httpProxied).toBe(0);
    },
  );
});

test("a key's own socks5:// proxy wins over the global one; other keys use the global one", async () => {
  await withGateway(
    {
      keys: [`${ALPHA} proxy=socks5://127.0.0.1:${socksPort}`, BRAVO],
      env: { HTTP_PROXY: `http://127.0.0.1:${httpProxy.port}` },
    },
    async (harness) => {
      for (let request = 0; request < 4; request++)
        expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
      expect(harness.fake.counts({ action: "generateContent" })).toEqual({ [ALPHA]: 2, [BRAVO]: 2 });
      expect(socksProxied).toBeGreaterThanOrEqual(1);
      expect(httpProxied).toBeGreaterThanOrEqual(1);
    },
  );
});

test("a socks5:// proxy without a port is reached on SOCKS's port, 1080", async () => {
  // A loopback address of its own, so port 1080 is free whatever else runs on this machine.
  const host = "127.0.0.77";
  let proxied = 0;
  const defaultPortProxy = createSocksServer();
  defaultPortProxy.setRulesetValidator(() => {
    proxied += 1;
    return true;
  });
  await new Promise<void>((resolve) => defaultPortProxy.listen(1080, host, () => resolve()));
  try {
    await withGateway({ keys: [`${ALPHA} proxy=socks5://${host}`] }, async (harness) => {
      expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
      expect(proxied).toBeGreaterThanOrEqual(1);
    });
  } finally {
    await new Promise((resolve) => defaultPortProxy.close(resolve));
  }
});

test("a proxy setting that is not a proxy URL stops start-up with a line naming it", () => {
  expect(() => loadConfig({ HTTPS_PROXY: "proxy.example:3128" })).toThrow(/HTTPS_PROXY must be a proxy URL/);
});

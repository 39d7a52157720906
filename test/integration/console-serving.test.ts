/**
 * The operator console's files as the gateway serves them: the page and its hashed bundles from the
 * build, the cache headers that make a new build reach browsers at once, a CSP that forbids anything not
 * from the gateway itself, and the same "this machine only" rule as /admin when no ADMIN_TOKEN is set.
 */
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { request, requestWithHeaders } from "../support/http.js";

function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1] ?? "");
}

describe("the console's files without ADMIN_TOKEN", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());

  test("GET /console answers the page, never cached, under a strict CSP", async () => {
    const answer = await request(`${harness.url}/console`, { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const policy = answer.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe-inline");
    // Everything the page loads comes from the gateway: no CDN, no inline script.
    expect(answer.text).not.toMatch(/https?:\/\//);
    expect(answer.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(assetPaths(answer.text).length).toBeGreaterThanOrEqual(2);
    const slash = await request(`${harness.url}/console/`, { token: null });
    expect(slash.status).toBe(200);
    expect(slash.text).toBe(answer.text);
  });

  test("the hashed bundles are cached for a year and served with their types", async () => {
    const page = await request(`${harness.url}/console`, { token: null });
    for (const path of assetPaths(page.text)) {
      const asset = await request(`${harness.url}${path}`, { token: null });
      expect(asset.status).toBe(200);
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(asset.headers.get("content-type")).toMatch(path.endsWith(".js") ? /javascript/ : /text\/css/);
      expect(asset.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(asset.text.length).toBeGreaterThan(100);
    }
  });

  test("an unknown file under /console is a 404 in the error envelope, not the page", async () => {
    const answer = await request(`${harness.url}/console/assets/nothing-here.js`, { token: null });
    expect(answer.status).toBe(404);
    expect(answer.json?.error?.message).toEqual(expect.any(String));
    const outside = await request(`${harness.url}/console/elsewhere`, { token: null });
    expect(outside.status).toBe(404);
  });

  test("a client that came through a proxy is refused, as on /admin", async () => {
    for (const path of ["/console", "/console/assets/anything.js"]) {
      const answer = await request(`${harness.url}${path}`, {
        token: null,
        headers: { "x-forwarded-for": "203.0.113.9" },
      });
      expect(answer.status).toBe(403);
      expect(answer.json?.error?.code).toBe("admin_loopback_only");
    }
  });
  test("a page whose DNS name was rebound to this machine is refused, as on /admin", async () => {
    const port = new URL(harness.url).port;
    const rebound = await requestWithHeaders(`${harness.url}/console`, {
      headers: { host: `rebind.attacker.example:${port}` },
    });
    expect(rebound.status).toBe(403);
    expect(rebound.json?.error?.code).toBe("admin_foreign_host");
    const localhost = await requestWithHeaders(`${harness.url}/console`, {
      headers: { host: `localhost:${port}` },
    });
    expect(localhost.status).toBe(200);
    expect(localhost.text).toContain('<div id="app">');
  });
});

describe("the console's files with ADMIN_TOKEN", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { ADMIN_TOKEN: "console-admin-token" } });
  });
  afterAll(() => harness.stop());

  test("the page opens for anyone (its login form asks for the token); /admin stays closed", async () => {
    const page = await request(`${harness.url}/console`, {
      token: null,
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="app">');
    const admin = await request(`${harness.url}/admin/reset-keys`, { method: "POST", token: null });
    expect(admin.status).toBe(401);
  });
});

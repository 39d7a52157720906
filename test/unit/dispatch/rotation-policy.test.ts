import { describe, expect, test } from "@jest/globals";
import type { Verdict } from "../../../src/dispatch/classify-upstream-error.js";
import { type FailedAttempt, noKeyLeftError, policyFor } from "../../../src/dispatch/rotation-policy.js";
import { GatewayError } from "../../../src/errors.js";
import type { Unavailability } from "../../../src/keys/key-pool.js";
import { UpstreamError } from "../../../src/upstream/upstream-error.js";

const NOW = Date.parse("2026-07-01T12:00:00Z");

describe("the rotation policy: what each failure does to the key and how it is counted", () => {
  const table: Array<[Verdict, ReturnType<typeof policyFor>]> = [
    [
      { kind: "rate_limited", until: NOW + 38_000, reason: "rpm" },
      {
        consequence: { kind: "rest", until: NOW + 38_000, reason: "rpm", cause: "rate_limited" },
        outcome: "rate_limited",
      },
    ],
    [
      { kind: "rate_limited_unspecified", reason: "429" },
      { consequence: { kind: "rest_growing", reason: "429" }, outcome: "rate_limited" },
    ],
    [
      { kind: "quota_exhausted", until: NOW + 3_600_000, reason: "day" },
      {
        consequence: { kind: "rest", until: NOW + 3_600_000, reason: "day", cause: "quota_exhausted" },
        outcome: "quota_exhausted",
      },
    ],
    [
      { kind: "invalid_key", reason: "key not valid" },
      { consequence: { kind: "disable", reason: "key not valid" }, outcome: "invalid_key" },
    ],
    [
      { kind: "server_error", reason: "500", countsAsFailure: true },
      { consequence: { kind: "count_failure", reason: "500" }, outcome: "server_error" },
    ],
    [
      { kind: "server_error", reason: "503 overloaded", countsAsFailure: false },
      { consequence: { kind: "note", reason: "503 overloaded" }, outcome: "server_error" },
    ],
    [
      { kind: "timeout", reason: "no answer" },
      { consequence: { kind: "count_failure", reason: "no answer" }, outcome: "timeout" },
    ],
    [
      { kind: "network_error", reason: "ECONNRESET" },
      { consequence: { kind: "count_failure", reason: "ECONNRESET" }, outcome: "network_error" },
    ],
    [
      { kind: "unreachable", reason: "ENOTFOUND" },
      { consequence: { kind: "note", reason: "ENOTFOUND" }, outcome: "network_error" },
    ],
    [
      { kind: "proxy_error", reason: "proxy refused" },
      { consequence: { kind: "note", reason: "proxy refused" }, outcome: "network_error" },
    ],
    [
      { kind: "client_error", error: new GatewayError({ status: 400, message: "bad" }) },
      { consequence: { kind: "nothing" }, outcome: "client_error" },
    ],
  ];
  test.each(table)("%o", (verdict, expected) => {
    expect(policyFor(verdict)).toEqual(expected);
  });
});

describe("what the client hears when no key is left", () => {
  const resting: Unavailability = {
    retryAt: NOW + 20_000,
    spentForDay: false,
    allDisabled: false,
    nextProbeAt: undefined,
  };
  const keys = (unavailability: Partial<Unavailability> = {}) => ({
    size: 3,
    unavailability: { ...resting, ...unavailability },
  });
  const failed = (verdict: Verdict, error = new UpstreamError("http", "upstream said no", { status: 500 })) =>
    ({ verdict, error }) satisfies FailedAttempt;

  test("keys resting: 429 with Retry-After and retry-after-ms until the first frees up", () => {
    const error = noKeyLeftError(
      keys(),
      "gemini-2.5-flash",
      [failed({ kind: "rate_limited", until: NOW, reason: "" })],
      NOW,
    );
    expect(error).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect(error.headers).toEqual({ "retry-after": "20", "retry-after-ms": "20000" });
  });

  test("every daily quota spent: 429 that tells SDKs not to retry", () => {
    const error = noKeyLeftError(keys({ spentForDay: true }), "gemini-2.5-flash", [], NOW);
    expect(error.status).toBe(429);
    expect(error.headers["x-should-retry"]).toBe("false");
  });

  test("every key disabled: 503, with Retry-After until the next probe when one will come", () => {
    const probing = noKeyLeftError(
      keys({ allDisabled: true, nextProbeAt: NOW + 59_500 }),
      undefined,
      [],
      NOW,
    );
    expect(probing).toMatchObject({ status: 503, code: "no_available_keys" });
    expect(probing.headers).toEqual({ "retry-after": "60" });
    const forGood = noKeyLeftError(keys({ allDisabled: true }), undefined, [], NOW);
    expect(forGood.headers).toEqual({});
  });

  test("Google never reached: 503 with Retry-After, saying so", () => {
    const unreachable = failed(
      { kind: "unreachable", reason: "ECONNREFUSED" },
      new UpstreamError("unreachable", "ECONNREFUSED"),
    );
    const error = noKeyLeftError(keys(), "gemini-2.5-flash", [unreachable, unreachable], NOW);
    expect(error).toMatchObject({ status: 503, code: "upstream_unreachable" });
    expect(error.message).toMatch(/Google cannot be reached/);
    expect(error.headers["retry-after"]).toBeDefined();
  });

  test("when some attempts reached Google, the last of those decides", () => {
    const unreachable = failed(
      { kind: "unreachable", reason: "ECONNREFUSED" },
      new UpstreamError("unreachable", "ECONNREFUSED"),
    );
    const limited = failed({ kind: "rate_limited", until: NOW + 20_000, reason: "rpm" });
    expect(noKeyLeftError(keys(), "gemini-2.5-flash", [limited, unreachable], NOW).status).toBe(429);
  });

  test.each([
    [{ kind: "server_error", reason: "500", countsAsFailure: true } as Verdict, 500, 502, "upstream_error"],
    [{ kind: "server_error", reason: "503", countsAsFailure: false } as Verdict, 503, 503, "upstream_error"],
    [{ kind: "timeout", reason: "slow" } as Verdict, undefined, 504, "upstream_timeout"],
    [{ kind: "network_error", reason: "reset" } as Verdict, undefined, 502, "upstream_error"],
    [{ kind: "proxy_error", reason: "proxy" } as Verdict, undefined, 502, "upstream_error"],
  ])("the last failure %o (upstream %s) gives %s %s", (verdict, upstreamStatus, status, code) => {
    const error = noKeyLeftError(
      keys(),
      "gemini-2.5-flash",
      [failed(verdict, new UpstreamError("http", "trouble", { status: upstreamStatus }))],
      NOW,
    );
    expect(error).toMatchObject({ status, code });
    expect(error.message).toMatch(/last upstream error: trouble/);
  });
});

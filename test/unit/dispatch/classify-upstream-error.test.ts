import { classifyUpstreamError, type Verdict } from "../../../src/dispatch/classify-upstream-error.js";
import { GeminiClient } from "../../../src/upstream/gemini-client.js";
import { UpstreamError } from "../../../src/upstream/upstream-error.js";
import { geminiErrors } from "../../fake-gemini/errors.js";
import type { ErrorReply } from "../../fake-gemini/types.js";

// A winter Tuesday, 10:15:20 PST: the next daily reset is the next day at 08:00 UTC.
const NOW = Date.parse("2026-01-13T18:15:20.500Z");
const NEXT_PACIFIC_MIDNIGHT = Date.parse("2026-01-14T08:00:00Z");
const NEXT_MINUTE = Date.parse("2026-01-13T18:16:00Z");
const DAY = 24 * 3_600_000;
const MODEL = "gemini-2.5-flash";

const client = new GeminiClient({ baseUrl: "http://127.0.0.1:1", secrets: () => ["fake-key-alpha-0001"] });

/** The real body, parsed the way the gateway parses what the upstream sends. */
function upstreamErrorFrom(reply: ErrorReply): UpstreamError {
  return client.httpError(reply.status, JSON.stringify(reply.body));
}

function classify(reply: ErrorReply): Verdict {
  return classifyUpstreamError(upstreamErrorFrom(reply), { now: NOW, random: () => 0 });
}

describe("classifyUpstreamError: quota verdicts", () => {
  test("per-minute request quota rests the pair for RetryInfo.retryDelay", () => {
    expect(classify(geminiErrors.rateLimitPerMinute({ model: MODEL, retryDelay: "38s" }))).toEqual({
      kind: "rate_limited",
      until: NOW + 38_000,
      reason: "rate limited (GenerateRequestsPerMinutePerProjectPerModel-FreeTier), retry in 38s",
    });
  });

  test("fractional retry delays are honoured", () => {
    const verdict = classify(geminiErrors.tokensPerMinute({ model: MODEL, retryDelay: "34.4s" }));
    expect(verdict).toMatchObject({ kind: "rate_limited", until: NOW + 34_400 });
  });

  test("jitter spreads returns by less than a quarter second", () => {
    const error = upstreamErrorFrom(geminiErrors.rateLimitPerMinute({ model: MODEL, retryDelay: "10s" }));
    const verdict = classifyUpstreamError(error, { now: NOW, random: () => 0.999 });
    expect(verdict).toMatchObject({ kind: "rate_limited", until: NOW + 10_000 + 249 });
  });

  test("per-minute quota without a delay rests until the next minute", () => {
    const reply = geminiErrors.rateLimitPerMinute({ model: MODEL });
    const details = (reply.body as { error: { details: Array<Record<string, unknown>> } }).error.details;
    (reply.body as { error: { details: unknown[] } }).error.details = details.filter(
      (detail) => !String(detail["@type"]).endsWith("RetryInfo"),
    );
    expect(classify(reply)).toMatchObject({ kind: "rate_limited", until: NEXT_MINUTE });
  });

  test("per-day quota rests until midnight Pacific, although its retry delay says seconds", () => {
    expect(classify(geminiErrors.quotaPerDay({ model: MODEL }))).toEqual({
      kind: "quota_exhausted",
      until: NEXT_PACIFIC_MIDNIGHT,
      reason: "daily quota spent (GenerateRequestsPerDayPerProjectPerModel-FreeTier)",
    });
  });

  test("several violations with a per-day one count as per-day", () => {
    const reply = geminiErrors.quotaExceeded({
      model: MODEL,
      violations: [
        { kind: "rpm", limit: 10 },
        { kind: "rpd", limit: 250 },
      ],
    });
    expect(classify(reply)).toMatchObject({ kind: "quota_exhausted", until: NEXT_PACIFIC_MIDNIGHT });
  });

  test("limit: 0 (model not offered to the key) rests the pair for a day", () => {
    const reply = geminiErrors.quotaExceeded({
      model: "gemini-2.5-pro",
      violations: [{ kind: "tpm", limit: 0 }],
    });
    expect(classify(reply)).toMatchObject({ kind: "quota_exhausted", until: NOW + DAY });
  });

  test("a bare 429 is an unspecified rate limit", () => {
    expect(classify(geminiErrors.bareRateLimit())).toEqual({
      kind: "rate_limited_unspecified",
      reason: "rate limited (429 without quota details)",
    });
  });
});

describe("classifyUpstreamError: key verdicts", () => {
  test.each([
    ["invalid key (400 API_KEY_INVALID)", geminiErrors.invalidKey(), "key not valid"],
    ["leaked key (403)", geminiErrors.leakedKey(), "key reported as leaked"],
    ["suspended consumer", geminiErrors.consumerSuspended(), "key suspended"],
    [
      "service disabled",
      geminiErrors.serviceDisabled(),
      "Generative Language API disabled for this key's project",
    ],
    ["service blocked", geminiErrors.serviceBlocked(), "key refused (API_KEY_SERVICE_BLOCKED)"],
    ["project denied", geminiErrors.projectDenied(), "key refused (403 PERMISSION_DENIED)"],
    ["no key at all (403)", geminiErrors.missingKey(), "key refused (403 PERMISSION_DENIED)"],
  ])("%s disables the key", (_name, reply, reason) => {
    expect(classify(reply)).toEqual({
      kind: "invalid_key",
      reason,
      ...(reason === "key suspended" ? { suspended: true } : {}),
    });
  });

  test("a 403 about a file the key cannot see is the client's problem, not the key's", () => {
    const reply = geminiErrors.invalidArgument();
    reply.status = 403;
    (reply.body as { error: { message: string; status: string } }).error = {
      message: "You do not have permission to access the File abc or it may not exist.",
      status: "PERMISSION_DENIED",
    };
    expect(classify(reply)).toMatchObject({ kind: "client_error" });
  });
});

describe("classifyUpstreamError: server and network trouble", () => {
  test("500 counts towards MAX_FAILURES", () => {
    expect(classify(geminiErrors.internal())).toMatchObject({ kind: "server_error", countsAsFailure: true });
  });

  test("504 counts towards MAX_FAILURES", () => {
    expect(classify(geminiErrors.deadlineExceeded())).toMatchObject({
      kind: "server_error",
      countsAsFailure: true,
    });
  });

  test.each([
    ["high demand", geminiErrors.unavailable()],
    ["overloaded", geminiErrors.overloaded()],
  ])("503 %s moves on without blaming the key", (_name, reply) => {
    expect(classify(reply)).toMatchObject({ kind: "server_error", countsAsFailure: false });
  });

  test("an error object inside a started stream is classified by what it says", () => {
    const overloaded = new UpstreamError("stream", "This model is currently experiencing high demand.", {
      status: 503,
      googleStatus: "UNAVAILABLE",
    });
    expect(classifyUpstreamError(overloaded, { now: NOW })).toMatchObject({
      kind: "server_error",
      countsAsFailure: false,
    });
    const limited = new UpstreamError("stream", "Resource has been exhausted", {
      status: 429,
      googleStatus: "RESOURCE_EXHAUSTED",
    });
    expect(classifyUpstreamError(limited, { now: NOW })).toMatchObject({ kind: "rate_limited_unspecified" });
  });

  test.each([
    ["network", "network_error"],
    ["stream", "network_error"],
    ["timeout", "timeout"],
    ["proxy", "proxy_error"],
  ] as const)("a %s failure is %s", (kind, verdict) => {
    expect(classifyUpstreamError(new UpstreamError(kind, "boom"), { now: NOW })).toMatchObject({
      kind: verdict,
    });
  });
});

describe("classifyUpstreamError: the client's own mistakes", () => {
  test("context overflow becomes context_length_exceeded with 'maximum context length'", () => {
    const verdict = classify(geminiErrors.contextOverflow(1_200_000));
    expect(verdict.kind).toBe("client_error");
    if (verdict.kind !== "client_error") return;
    expect(verdict.error).toMatchObject({
      status: 400,
      code: "context_length_exceeded",
      type: "invalid_request_error",
    });
    expect(verdict.error.message).toMatch(
      /^This model's maximum context length is 1048576 tokens\. However, your messages resulted in 1200000 tokens\./,
    );
  });

  test("an unknown model is a 404", () => {
    const verdict = classify(geminiErrors.notFound("gemini-9-ultra"));
    expect(verdict).toMatchObject({ kind: "client_error", error: { status: 404, code: "model_not_found" } });
  });

  test.each([
    ["generic invalid argument", geminiErrors.invalidArgument()],
    ["missing thought signature", geminiErrors.missingThoughtSignature("read_file", 3)],
    ["unsupported location", geminiErrors.locationNotSupported()],
  ])("%s is a 400 that is never retried", (_name, reply) => {
    const verdict = classify(reply);
    expect(verdict).toMatchObject({ kind: "client_error", error: { status: 400 } });
  });
});

describe("upstream messages never carry a key", () => {
  test("a key echoed by Google is redacted from the message and the body", () => {
    const error = upstreamErrorFrom(
      geminiErrors.consumerSuspended({ consumer: "api_key:fake-key-alpha-0001" }),
    );
    expect(error.message).toBe("Permission denied: Consumer 'api_key:[redacted key]' has been suspended.");
    expect(JSON.stringify(error.body)).not.toContain("fake-key-alpha-0001");
  });

  test("anything shaped like a Google key is redacted, known or not", () => {
    const error = client.httpError(
      400,
      '{"error":{"code":400,"message":"bad key AIzaFAKE-not-a-real-key-0000"}}',
    );
    expect(error.message).toBe("bad key [redacted key]");
  });
});

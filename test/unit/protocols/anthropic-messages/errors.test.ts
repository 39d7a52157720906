import { describe, expect, test } from "@jest/globals";
import { GatewayError } from "../../../../src/errors.js";
import { toCountTokensResponse } from "../../../../src/protocols/anthropic-messages/count-tokens.js";
import {
  adaptErrorForAnthropic,
  toAnthropicErrorBody,
  toAnthropicFailureBody,
} from "../../../../src/protocols/anthropic-messages/errors.js";

/** What the client hears for a gateway error: status, headers, body. */
function answerFor(error: GatewayError) {
  const adapted = adaptErrorForAnthropic(error);
  return { status: adapted.status, headers: adapted.headers, body: toAnthropicErrorBody(adapted) };
}

describe("errors in Anthropic's envelope", () => {
  test.each([
    [400, null, "invalid_request_error"],
    [401, "invalid_api_key", "authentication_error"],
    [403, null, "permission_error"],
    [404, "model_not_found", "not_found_error"],
    [413, "request_too_large", "request_too_large"],
    [415, "unsupported_encoding", "invalid_request_error"],
    [429, "rate_limit_exceeded", "rate_limit_error"],
    [500, null, "api_error"],
    [502, "empty_response", "api_error"],
    [504, "upstream_timeout", "api_error"],
  ])("%i (%s) → %i %s", (status, code, type) => {
    const answer = answerFor(new GatewayError({ status, code, message: "what happened" }));
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ type: "error", error: { type, message: "what happened" } });
  });

  test("every key resting: 429 rate_limit_error keeps retry-after (and x-should-retry when the day is spent)", () => {
    const headers = { "retry-after": "38", "retry-after-ms": "37500", "x-should-retry": "false" };
    const answer = answerFor(
      new GatewayError({ status: 429, code: "rate_limit_exceeded", message: "Rate limit reached", headers }),
    );
    expect(answer).toEqual({
      status: 429,
      headers,
      body: { type: "error", error: { type: "rate_limit_error", message: "Rate limit reached" } },
    });
  });

  test("Gemini overloaded on every key → 529 overloaded_error (what Claude Code retries as overload)", () => {
    const answer = answerFor(
      new GatewayError({
        status: 503,
        code: "upstream_error",
        message: "high demand",
        headers: { "retry-after": "5" },
      }),
    );
    expect(answer).toEqual({
      status: 529,
      headers: { "retry-after": "5" },
      body: { type: "error", error: { type: "overloaded_error", message: "high demand" } },
    });
  });

  test("every key disabled → 503 api_error with x-should-retry: false: no retry helps until the operator acts", () => {
    const answer = answerFor(
      new GatewayError({ status: 503, code: "no_available_keys", message: "All 2 keys are disabled" }),
    );
    expect(answer).toEqual({
      status: 503,
      headers: { "x-should-retry": "false" },
      body: { type: "error", error: { type: "api_error", message: "All 2 keys are disabled" } },
    });
  });

  test("a context overflow reads as Anthropic's 'prompt is too long: N tokens > M maximum' (Claude Code compacts on it)", () => {
    const gemini = "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).";
    const answer = answerFor(
      new GatewayError({
        status: 400,
        code: "context_length_exceeded",
        message: `This model's maximum context length is 1048576 tokens. However, your messages resulted in 1200000 tokens. (${gemini})`,
      }),
    );
    expect(answer.body).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "prompt is too long: 1200000 tokens > 1048576 maximum",
      },
    });
    const withoutNumbers = answerFor(
      new GatewayError({ status: 400, code: "context_length_exceeded", message: "too many" }),
    );
    expect(withoutNumbers.body.error.message).toBe("prompt is too long: too many");
  });

  test("inside a stream: the error event's data for a failure", () => {
    expect(
      toAnthropicFailureBody({ status: 502, code: "empty_response", message: "Gemini returned nothing" }),
    ).toEqual({
      type: "error",
      error: { type: "api_error", message: "Gemini returned nothing" },
    });
    expect(
      toAnthropicFailureBody({ status: 503, code: "upstream_error", message: "overloaded" }).error.type,
    ).toBe("overloaded_error");
    expect(
      toAnthropicFailureBody({ status: 429, code: "rate_limit_exceeded", message: "later" }).error.type,
    ).toBe("rate_limit_error");
  });
});

describe("count_tokens answer", () => {
  test.each([
    [
      { totalTokens: 1234, promptTokensDetails: [{ modality: "TEXT", tokenCount: 1234 }] },
      { input_tokens: 1234 },
    ],
    // Proto-JSON leaves out a count of 0.
    [{ promptTokensDetails: [] }, { input_tokens: 0 }],
  ])("%j → %j", (gemini, expected) => {
    expect(toCountTokensResponse(gemini)).toEqual(expected);
  });

  test.each([[null], ["12"], [[1]], [{ totalTokens: "12" }], [{ totalTokens: -1 }]])(
    "%j is an upstream fault, never a made-up count",
    (gemini) => {
      expect(() => toCountTokensResponse(gemini)).toThrow(expect.objectContaining({ status: 502 }));
    },
  );
});

import type { Verdict } from "../dispatch/classify-upstream-error.js";
import type { Dispatcher } from "../dispatch/dispatch.js";
import { generateContentResponseShape, modelListPageShape } from "../gemini/wire-shapes.js";
import type { CheckVerdict } from "../keys/check-keys.js";
import { type RequestFacts, withRequestFacts } from "../observability/request-context.js";

/** The smallest generation there is: one short word in, one token out. */
const MINIMAL_GENERATION = JSON.stringify({
  contents: [{ role: "user", parts: [{ text: "Hi" }] }],
  generationConfig: { maxOutputTokens: 1 },
});

/**
 * Probes one key with the cheapest real call that answers the question, through the dispatcher's
 * single-key attempt, so the pool, the metrics and the usage history learn from it exactly as from a
 * request:
 * - no model: the model list (one entry), which costs no quota and tells a valid key from an invalid
 *   or suspended one;
 * - a model: one minimal generation (one request of that model's daily quota), the only call that
 *   tells whether the key may still use the model today, or is not offered it at all (`limit: 0`).
 */
export class KeyProber {
  constructor(
    private readonly dispatcher: Pick<Dispatcher, "attemptWithKey">,
    /** Hears what each probe did upstream (the usage history). */
    private readonly onUpstreamWork: (facts: RequestFacts) => void,
  ) {}

  async probe(
    keyId: string,
    model: string | undefined,
    signal: AbortSignal,
  ): Promise<{ verdict: CheckVerdict; detail: string }> {
    const facts: RequestFacts = { attempts: 0 };
    // Each probe gathers its own facts, so that concurrent probes never mix up their keys.
    const attempt = withRequestFacts(facts, () =>
      this.dispatcher.attemptWithKey(keyId, { model, signal }, async (upstream) => {
        if (model === undefined) {
          await upstream.json(
            { method: "GET", path: "/v1beta/models", query: new URLSearchParams({ pageSize: "1" }) },
            modelListPageShape,
          );
        } else {
          await upstream.json(
            {
              method: "POST",
              path: `/v1beta/models/${encodeURIComponent(model)}:generateContent`,
              body: MINIMAL_GENERATION,
            },
            generateContentResponseShape,
          );
        }
      }),
    );
    try {
      const outcome = await attempt;
      return outcome.ok ? { verdict: "valid", detail: "" } : checkVerdictOf(outcome.verdict);
    } finally {
      this.onUpstreamWork(facts);
    }
  }
}

/** What a failed probe's rotation verdict says about the key, in the check's words. */
export function checkVerdictOf(verdict: Verdict): { verdict: CheckVerdict; detail: string } {
  switch (verdict.kind) {
    case "invalid_key":
      return { verdict: verdict.suspended ? "suspended" : "invalid", detail: verdict.reason };
    case "quota_exhausted":
      return {
        verdict: verdict.modelUnavailable ? "model_unavailable" : "quota_exhausted",
        detail: verdict.reason,
      };
    case "rate_limited":
    case "rate_limited_unspecified":
      return { verdict: "rate_limited", detail: verdict.reason };
    case "server_error":
    case "network_error":
    case "unreachable":
    case "timeout":
    case "proxy_error":
      return { verdict: "error", detail: verdict.reason };
    case "client_error":
      return { verdict: "error", detail: verdict.error.message };
    default: {
      const unexpected: never = verdict;
      return { verdict: "error", detail: String(unexpected) };
    }
  }
}

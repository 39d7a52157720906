import type { Verdict } from "../../../src/dispatch/classify-upstream-error.js";
import { policyFor } from "../../../src/dispatch/rotation-policy.js";
import { GatewayError } from "../../../src/errors.js";
import { type KeyLease, KeyPool } from "../../../src/keys/key-pool.js";

const KEYS = ["fake-key-alpha-0001", "fake-key-bravo-0002", "fake-key-charlie-0003"];

function poolWith(keys: string[] = KEYS, maxFailures = 3) {
  let now = Date.parse("2026-07-01T12:00:00Z");
  const pool = new KeyPool({ maxFailures, now: () => now });
  pool.setKeys(keys.map((key) => ({ key, source: "file" as const })));
  return {
    pool,
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
  };
}

function acquire(pool: KeyPool, model = "gemini-2.5-flash", exclude?: Set<string>): KeyLease {
  const lease = pool.acquire(model, exclude);
  if (!lease) throw new Error("no key");
  return lease;
}

/** A failed attempt's verdict, as dispatch hands it to the pool: through the rotation policy. */
function reportVerdict(pool: KeyPool, lease: KeyLease, verdict: Verdict): void {
  pool.reportFailure(lease, policyFor(verdict).consequence);
}

const serverError: Verdict = { kind: "server_error", reason: "upstream 500", countsAsFailure: true };

describe("KeyPool selection", () => {
  test("round-robin: nine requests use each of three keys three times", () => {
    const { pool } = poolWith();
    const used = Array.from({ length: 9 }, () => acquire(pool).key);
    expect(used).toEqual([...KEYS, ...KEYS, ...KEYS]);
  });

  test("round-robin positions are kept for recently asked models only, so invented names cost nothing", () => {
    const { pool } = poolWith();
    expect(acquire(pool, "gemini-2.5-pro").key).toBe(KEYS[0]);
    for (let index = 0; index < 10; index++) acquire(pool, `gemini-invented-${index}`);
    // A few other models in between: gemini-2.5-pro goes on where it was.
    expect(acquire(pool, "gemini-2.5-pro").key).toBe(KEYS[1]);
    for (let index = 0; index < 100_000; index++) acquire(pool, `gemini-invented-${index}`);
    // After a flood of invented names its position was let go: it starts again at the first key.
    expect(acquire(pool, "gemini-2.5-pro").key).toBe(KEYS[0]);
  });

  test("fair under concurrency: 30 leases taken before any finishes land 10/10/10", () => {
    const { pool } = poolWith();
    const counts = new Map<string, number>();
    const leases = Array.from({ length: 30 }, () => acquire(pool));
    for (const lease of leases) counts.set(lease.key, (counts.get(lease.key) ?? 0) + 1);
    expect([...counts.values()]).toEqual([10, 10, 10]);
  });

  test("skips the keys a request already tried", () => {
    const { pool } = poolWith();
    const first = acquire(pool);
    const second = acquire(pool, "gemini-2.5-flash", new Set([first.id]));
    expect(second.id).not.toBe(first.id);
    expect(pool.acquire("gemini-2.5-flash", new Set(pool.status().map((key) => key.id)))).toBeUndefined();
  });

  test("a key resting for one model still serves another", () => {
    const { pool, now } = poolWith(["fake-key-alpha-0001"]);
    const lease = acquire(pool, "gemini-2.5-pro");
    reportVerdict(pool, lease, {
      kind: "quota_exhausted",
      until: now() + 3_600_000,
      reason: "daily quota spent",
    });
    expect(pool.acquire("gemini-2.5-pro")).toBeUndefined();
    expect(pool.acquire("models/gemini-2.5-pro")).toBeUndefined();
    expect(acquire(pool, "gemini-2.5-flash").key).toBe("fake-key-alpha-0001");
    const [status] = pool.status();
    expect(status).toMatchObject({ state: "cooling", isAvailable: true });
    expect(status?.cooldowns).toEqual([
      {
        model: "gemini-2.5-pro",
        until: new Date(now() + 3_600_000).toISOString(),
        reason: "daily quota spent",
      },
    ]);
  });

  test("a rate-limited key returns exactly when its rest ends", () => {
    const { pool, now, advance } = poolWith(["fake-key-alpha-0001"]);
    reportVerdict(pool, acquire(pool), {
      kind: "rate_limited",
      until: now() + 38_000,
      reason: "rate limited",
    });
    advance(37_999);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    expect(pool.unavailability("gemini-2.5-flash")).toEqual({
      retryAt: now() + 1,
      spentForDay: false,
      allDisabled: false,
    });
    advance(1);
    expect(acquire(pool).key).toBe("fake-key-alpha-0001");
    expect(pool.status()[0]?.state).toBe("active");
  });

  test("a 429 without details rests briefly, longer on repeats, and never counts as a failure", () => {
    const { pool, now, advance } = poolWith(["fake-key-alpha-0001"]);
    const rests: number[] = [];
    for (let repeat = 0; repeat < 7; repeat++) {
      reportVerdict(pool, acquire(pool), { kind: "rate_limited_unspecified", reason: "429" });
      const until = Date.parse(pool.status()[0]?.cooldowns[0]?.until ?? "");
      rests.push(until - now());
      advance(until - now());
    }
    expect(rests).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(pool.status()[0]).toMatchObject({ failureCount: 0, state: "active" });
  });
});

describe("KeyPool failures", () => {
  test("three consecutive failures disable a key; a success in between clears the count", () => {
    const { pool, now } = poolWith(["fake-key-alpha-0001"]);
    reportVerdict(pool, acquire(pool), serverError);
    reportVerdict(pool, acquire(pool), serverError);
    pool.reportSuccess(acquire(pool));
    expect(pool.status()[0]?.failureCount).toBe(0);
    reportVerdict(pool, acquire(pool), serverError);
    reportVerdict(pool, acquire(pool), { kind: "timeout", reason: "no answer" });
    expect(pool.status()[0]).toMatchObject({ state: "active", failureCount: 2 });
    reportVerdict(pool, acquire(pool), { kind: "network_error", reason: "ECONNRESET" });
    expect(pool.status()[0]).toMatchObject({ state: "disabled", isAvailable: false, failureCount: 3 });
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    // Disabled is disabled (the client hears 503), with the probe a minute away as the time to retry.
    expect(pool.unavailability("gemini-2.5-flash")).toMatchObject({
      allDisabled: true,
      nextProbeAt: now() + 60_000,
    });
  });

  test("an overloaded model (503) is not the key's fault", () => {
    const { pool } = poolWith(["fake-key-alpha-0001"]);
    for (let attempt = 0; attempt < 5; attempt++) {
      reportVerdict(pool, acquire(pool), { kind: "server_error", reason: "503", countsAsFailure: false });
    }
    expect(pool.status()[0]).toMatchObject({ state: "active", failureCount: 0 });
  });

  test("a key disabled by failures is probed again after a pause that grows", () => {
    const { pool, advance } = poolWith(["fake-key-alpha-0001"]);
    for (let attempt = 0; attempt < 3; attempt++) reportVerdict(pool, acquire(pool), serverError);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    advance(60_000);
    const probe = acquire(pool);
    expect(probe.probe).toBe(true);
    // Only one probe at a time.
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    reportVerdict(pool, probe, serverError);
    advance(60_000);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    advance(60_000);
    const secondProbe = acquire(pool);
    pool.reportSuccess(secondProbe);
    expect(pool.status()[0]).toMatchObject({ state: "active", failureCount: 0, isAvailable: true });
  });

  test("an invalid key is disabled at once and never probed", () => {
    const { pool, advance } = poolWith(["fake-key-alpha-0001"]);
    reportVerdict(pool, acquire(pool), { kind: "invalid_key", reason: "key not valid" });
    expect(pool.status()[0]).toMatchObject({ state: "disabled", lastError: "key not valid" });
    advance(24 * 3_600_000);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    expect(pool.unavailability("gemini-2.5-flash").allDisabled).toBe(true);
  });

  test("the client's own mistakes are never charged", () => {
    const { pool } = poolWith(["fake-key-alpha-0001"]);
    for (let attempt = 0; attempt < 5; attempt++) {
      reportVerdict(pool, acquire(pool), {
        kind: "client_error",
        error: new GatewayError({ status: 400, message: "bad" }),
      });
    }
    expect(pool.status()[0]).toMatchObject({ state: "active", failureCount: 0, lastError: null });
  });

  test("reset brings every key back", () => {
    const { pool, now } = poolWith();
    reportVerdict(pool, acquire(pool), { kind: "invalid_key", reason: "key not valid" });
    reportVerdict(pool, acquire(pool), {
      kind: "rate_limited",
      until: now() + 60_000,
      reason: "rate limited",
    });
    pool.reset();
    expect(pool.status().map((key) => key.state)).toEqual(["active", "active", "active"]);
  });
});

describe("KeyPool when nothing is usable", () => {
  test("reports the earliest moment a key frees up", () => {
    const { pool, now } = poolWith(["fake-key-alpha-0001", "fake-key-bravo-0002"]);
    reportVerdict(pool, acquire(pool), { kind: "rate_limited", until: now() + 30_000, reason: "minute" });
    reportVerdict(pool, acquire(pool), { kind: "rate_limited", until: now() + 10_000, reason: "minute" });
    expect(pool.unavailability("gemini-2.5-flash")).toEqual({
      retryAt: now() + 10_000,
      spentForDay: false,
      allDisabled: false,
    });
  });

  test("says when every key is spent for the day", () => {
    const { pool, now } = poolWith(["fake-key-alpha-0001", "fake-key-bravo-0002"]);
    for (let index = 0; index < 2; index++) {
      reportVerdict(pool, acquire(pool), {
        kind: "quota_exhausted",
        until: now() + 5 * 3_600_000,
        reason: "day",
      });
    }
    expect(pool.unavailability("gemini-2.5-flash")).toMatchObject({ spentForDay: true, allDisabled: false });
    expect(pool.unavailability("gemini-2.5-pro")).toMatchObject({ retryAt: undefined, spentForDay: false });
  });
});

describe("KeyPool answers that are kept between changes", () => {
  test("once every key rests, picks fail until the first rest ends, then that key serves", () => {
    const { pool, now, advance } = poolWith(["fake-key-alpha-0001", "fake-key-bravo-0002"]);
    const first = acquire(pool);
    reportVerdict(pool, first, { kind: "rate_limited", until: now() + 20_000, reason: "minute" });
    reportVerdict(pool, acquire(pool), { kind: "rate_limited", until: now() + 10_000, reason: "minute" });
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    advance(9_999);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    expect(acquire(pool, "gemini-2.5-pro").id).toBeDefined();
    advance(1);
    expect(acquire(pool).id).not.toBe(first.id);
  });

  test("why nothing is usable follows rests ending and keys changing, asked again and again", () => {
    const { pool, now, advance } = poolWith(["fake-key-alpha-0001", "fake-key-bravo-0002"]);
    const start = now();
    const alpha = acquire(pool);
    reportVerdict(pool, alpha, { kind: "quota_exhausted", until: start + 60_000, reason: "day" });
    reportVerdict(pool, acquire(pool), { kind: "rate_limited", until: start + 10_000, reason: "minute" });
    expect(pool.unavailability("gemini-2.5-flash")).toMatchObject({
      retryAt: start + 10_000,
      spentForDay: false,
    });
    expect(pool.unavailability("gemini-2.5-flash")).toMatchObject({ retryAt: start + 10_000 });
    advance(10_000);
    expect(pool.unavailability("gemini-2.5-flash")).toMatchObject({
      retryAt: start + 60_000,
      spentForDay: false,
    });
    pool.disable(alpha.id);
    expect(pool.unavailability("gemini-2.5-flash")).toMatchObject({ retryAt: undefined, spentForDay: false });
    pool.enable(alpha.id);
    expect(pool.unavailability("gemini-2.5-flash")).toMatchObject({ retryAt: undefined, allDisabled: false });
  });

  test("a pick that failed does not hide a key enabled, added or given back afterwards", () => {
    const { pool } = poolWith(["fake-key-alpha-0001"]);
    const lease = acquire(pool);
    pool.disable(lease.id);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    pool.enable(lease.id);
    expect(acquire(pool).id).toBe(lease.id);

    pool.disable(lease.id);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    pool.setKeys([
      { key: "fake-key-alpha-0001", source: "file" },
      { key: "fake-key-bravo-0002", source: "file" },
    ]);
    expect(acquire(pool).id).not.toBe(lease.id);
  });

  test("a probe in flight blocks only until it is released", () => {
    const { pool, advance } = poolWith(["fake-key-alpha-0001"], 1);
    reportVerdict(pool, acquire(pool), serverError);
    advance(60_000);
    const probe = acquire(pool);
    expect(probe.probe).toBe(true);
    expect(pool.acquire("gemini-2.5-flash")).toBeUndefined();
    pool.release(probe);
    expect(acquire(pool).probe).toBe(true);
  });

  test("counts follow every change at once, and a rest's end without any change", () => {
    const { pool, now, advance } = poolWith();
    expect(pool.counts()).toEqual({ active: 3, cooling: 0, disabled: 0, available: 3 });
    reportVerdict(pool, acquire(pool), { kind: "rate_limited", until: now() + 5_000, reason: "minute" });
    expect(pool.counts()).toEqual({ active: 2, cooling: 1, disabled: 0, available: 3 });
    const lease = acquire(pool);
    pool.disable(lease.id);
    expect(pool.counts()).toEqual({ active: 1, cooling: 1, disabled: 1, available: 2 });
    pool.reportSuccess(acquire(pool));
    expect(pool.counts()).toEqual({ active: 1, cooling: 1, disabled: 1, available: 2 });
    advance(5_000);
    expect(pool.counts()).toEqual({ active: 2, cooling: 0, disabled: 1, available: 2 });
    pool.enable(lease.id);
    expect(pool.counts()).toEqual({ active: 3, cooling: 0, disabled: 0, available: 3 });
    const counts = pool.counts();
    counts.active = 99;
    expect(pool.counts().active).toBe(3);
  });

  test("the state version (what /status's kept list hangs on) moves with failures, not with plain successes", () => {
    const { pool } = poolWith(["fake-key-alpha-0001"]);
    const start = pool.stateVersion;
    pool.reportSuccess(acquire(pool));
    expect(pool.stateVersion).toBe(start);
    reportVerdict(pool, acquire(pool), serverError);
    const failed = pool.stateVersion;
    expect(failed).not.toBe(start);
    expect(pool.status()[0]?.stateReason).toContain("1 recent failure");
    pool.reportSuccess(acquire(pool));
    expect(pool.stateVersion).not.toBe(failed);
    expect(pool.status()[0]?.stateReason).toBe("serving requests");
    const recovered = pool.stateVersion;
    pool.reportSuccess(acquire(pool));
    expect(pool.stateVersion).toBe(recovered);
  });

  test("the status of named keys: those the pool holds, once each, in the order asked", () => {
    const { pool } = poolWith();
    const [alpha, , charlie] = pool.ids() as [string, string, string];
    pool.disable(charlie);
    const named = pool.statusOfIds([charlie, "key-0000000000", alpha, charlie]);
    expect(named.map((key) => [key.id, key.state])).toEqual([
      [charlie, "disabled"],
      [alpha, "active"],
    ]);
    expect(named.map((key) => key.key).join(" ")).not.toContain("fake-key");
    expect(pool.statusOfIds([])).toEqual([]);
  });

  test("pages in id order, filtered by state, resuming after a key that was removed", () => {
    const keys = Array.from({ length: 12 }, (_, index) => `fake-key-page-${String(index).padStart(4, "0")}`);
    const { pool } = poolWith(keys);
    const ids = pool.ids().sort();
    const first = pool.statusPage({ limit: 5 });
    expect(first.keys.map((key) => key.id)).toEqual(ids.slice(0, 5));
    expect(first.more).toBe(true);
    pool.disable(ids[7] as string);
    pool.disable(ids[9] as string);
    expect(pool.statusPage({ state: "disabled", limit: 5 })).toMatchObject({
      keys: [{ id: ids[7] }, { id: ids[9] }],
      more: false,
    });
    const after = ids[4] as string;
    pool.setKeys(
      keys.filter((_, index) => pool.ids()[index] !== after).map((key) => ({ key, source: "file" as const })),
    );
    const next = pool.statusPage({ after, state: "active", limit: 100 });
    expect(next.keys.map((key) => key.id)).toEqual(
      ids.slice(5).filter((_, index) => index !== 2 && index !== 4),
    );
  });
});

describe("KeyPool key set", () => {
  test("reloading keeps the state of kept keys and reports additions and removals", () => {
    const { pool } = poolWith(["fake-key-alpha-0001", "fake-key-bravo-0002"]);
    reportVerdict(pool, acquire(pool), { kind: "invalid_key", reason: "key not valid" });
    const result = pool.setKeys([
      { key: "fake-key-alpha-0001", source: "file" },
      { key: "fake-key-charlie-0003", source: "file" },
    ]);
    expect(result.added).toHaveLength(1);
    expect(result.removed).toHaveLength(1);
    expect(pool.status().map((key) => key.state)).toEqual(["disabled", "active"]);
  });

  test("status never shows a whole key", () => {
    const { pool } = poolWith(["AIzaSyFAKEFAKEFAKEFAKEFAKEFAKEFAKEXk3f"]);
    const text = JSON.stringify(pool.status());
    expect(text).not.toContain("AIzaSyFAKEFAKEFAKEFAKEFAKEFAKEFAKEXk3f");
    expect(pool.status()[0]?.key).toBe("AIzaSy…Xk3f");
    expect(pool.status()[0]?.id).toMatch(/^key-[0-9a-f]{10}$/);
  });

  test("memory survives an export and import", () => {
    const first = poolWith();
    reportVerdict(first.pool, acquire(first.pool), { kind: "invalid_key", reason: "key not valid" });
    reportVerdict(first.pool, acquire(first.pool, "gemini-2.5-pro"), {
      kind: "quota_exhausted",
      until: first.now() + 3_600_000,
      reason: "day",
    });
    const saved = JSON.parse(JSON.stringify(first.pool.exportMemory()));
    const second = poolWith();
    second.pool.importMemory(saved);
    expect(second.pool.status().map((key) => key.state)).toEqual(["disabled", "cooling", "active"]);
  });
});

describe("KeyPool changes worth saving", () => {
  test("an ordinary success changes only counters; a success after a failure or a growing rest changes state", () => {
    const changes: Array<[string | undefined, string | undefined]> = [];
    const pool = new KeyPool({ maxFailures: 3, onChange: (id, change) => changes.push([id, change]) });
    pool.setKeys([{ key: KEYS[0] as string, source: "file" }]);
    changes.length = 0;

    let lease = acquire(pool);
    pool.reportSuccess(lease, { promptTokens: 3, completionTokens: 2 });
    pool.recordTokens(lease.id, { promptTokens: 1, completionTokens: 1 });
    expect(changes).toEqual([
      [lease.id, "counters"],
      [lease.id, "counters"],
    ]);

    for (const failure of [
      () => reportVerdict(pool, lease, serverError),
      () => pool.reportFailure(lease, { kind: "rest_growing", reason: "429 without a delay" }),
    ]) {
      changes.length = 0;
      lease = acquire(pool, "gemini-2.5-flash");
      failure();
      changes.length = 0;
      // The key is described differently after this success (no failures, no growing rest): saved as state.
      pool.reportSuccess(lease);
      expect(changes).toEqual([[lease.id, "state"]]);
    }
  });
});

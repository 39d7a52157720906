import { createHash, timingSafeEqual } from "node:crypto";

/** Compares a presented secret with the expected one in time that does not depend on where they differ. */
export function secretsMatch(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
  const presentedDigest = createHash("sha256").update(presented).digest();
  const expectedDigest = createHash("sha256").update(expected).digest();
  return timingSafeEqual(presentedDigest, expectedDigest);
}

import { createHash } from "node:crypto";

/** A stable id for a key that reveals nothing of it: the first 10 hex digits of its SHA-256. */
export function keyIdOf(key: string): string {
  return `key-${createHash("sha256").update(key).digest("hex").slice(0, 10)}`;
}

/**
 * The one place a key is shown to people: `AIzaSy…Xk3f` for real keys; short keys (tests, typos)
 * show only their last two characters so that the mask never gives most of the key away.
 */
export function maskKey(key: string): string {
  if (key.length >= 20) return `${key.slice(0, 6)}…${key.slice(-4)}`;
  return `…${key.slice(-2)}`;
}

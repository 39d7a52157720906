import { createHash, randomBytes } from "node:crypto";

/** Every client token's secret starts with this, so logs, redaction and people can tell one on sight. */
export const CLIENT_TOKEN_PREFIX = "grt_";
/** 256 random bits: no guessing, no brute force of a stolen hash. */
const SECRET_BYTES = 32;
const HASH_PREFIX = "sha256:";
const HASH_SHAPE = /^sha256:[0-9a-f]{64}$/;

/** A new secret: `grt_` and 43 base64url characters (32 random bytes). Shown once, never stored. */
export function mintClientTokenSecret(): string {
  return CLIENT_TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString("base64url");
}

/**
 * What is stored in place of a secret: `sha256:` and its SHA-256 in hex. A fast hash suits secrets of
 * 256 random bits (a slow password hash such as argon2 or bcrypt defends low-entropy passwords, and
 * would cost every request tens of milliseconds of CPU); it also makes the hash itself the lookup key,
 * so authenticating a request is one map read, whatever the number of tokens.
 */
export function hashClientTokenSecret(secret: string): string {
  return HASH_PREFIX + createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Whether `text` is a stored hash as `hashClientTokenSecret` writes it. */
export function isClientTokenHash(text: string): boolean {
  return HASH_SHAPE.test(text);
}

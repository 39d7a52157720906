/**
 * Thought signatures: the fake issues opaque ones it can recognise later, and enforces Gemini 3's rule
 * for the current turn (reference §10).
 *
 * A signature is self-validating (a random nonce and a keyed hash of it under a per-server secret), so the
 * fake accepts everything it ever issued without storing it, however long a load benchmark runs.
 */
import { hash, randomBytes } from "node:crypto";
import type { GeminiContent } from "../../src/gemini/wire-types.js";
import { FakeHttpError, geminiErrors } from "./errors.js";

/** Google documents both values for history the model did not produce. */
export const DUMMY_THOUGHT_SIGNATURES: ReadonlySet<string> = new Set([
  "skip_thought_signature_validator",
  "context_engineering_is_the_way_to_go",
]);

// Real signatures begin with these bytes ("CtQCAd…" in base64); it makes the fake's look alike.
const MARKER = Buffer.from([0x0a, 0xd4, 0x02, 0x01]);
const NONCE_BYTES = 16;
const MAC_BYTES = 16;

export class ThoughtSignatures {
  readonly #secret = randomBytes(32);
  /** Signatures given verbatim in scripted replies. */
  readonly #scripted = new Set<string>();

  issue(): string {
    const nonce = randomBytes(NONCE_BYTES);
    return Buffer.concat([MARKER, nonce, this.#mac(nonce)]).toString("base64");
  }

  /** Accept a signature a script chose, so that a client sending it back passes. */
  remember(signature: string): void {
    this.#scripted.add(signature);
  }

  isAccepted(signature: string): boolean {
    if (DUMMY_THOUGHT_SIGNATURES.has(signature) || this.#scripted.has(signature)) return true;
    const bytes = Buffer.from(signature, "base64");
    if (bytes.length !== MARKER.length + NONCE_BYTES + MAC_BYTES) return false;
    if (!bytes.subarray(0, MARKER.length).equals(MARKER)) return false;
    const nonce = bytes.subarray(MARKER.length, MARKER.length + NONCE_BYTES);
    return bytes.subarray(MARKER.length + NONCE_BYTES).equals(this.#mac(nonce));
  }

  forgetScripted(): void {
    this.#scripted.clear();
  }

  /** A plain keyed SHA-256 (not an HMAC): ten times cheaper, and forgery is no concern in a fake. */
  #mac(nonce: Buffer): Buffer {
    return hash("sha256", Buffer.concat([this.#secret, nonce]), "buffer").subarray(0, MAC_BYTES);
  }
}

/**
 * The current turn starts at the latest `user` content with a part other than a functionResponse. In every
 * model step after it, the first functionCall part must carry a signature the API accepts; earlier turns
 * are not checked.
 */
export function checkCurrentTurnSignatures(
  contents: readonly GeminiContent[],
  signatures: ThoughtSignatures,
): void {
  let turnStart = -1;
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index]!;
    if (
      (content.role ?? "user") === "user" &&
      content.parts.some((part) => part.functionResponse === undefined)
    ) {
      turnStart = index;
      break;
    }
  }
  for (let index = turnStart + 1; index < contents.length; index++) {
    const content = contents[index]!;
    if (content.role !== "model") continue;
    const firstCall = content.parts.find((part) => part.functionCall !== undefined);
    if (!firstCall?.functionCall) continue;
    if (firstCall.thoughtSignature === undefined) {
      throw new FakeHttpError(geminiErrors.missingThoughtSignature(firstCall.functionCall.name, index + 1));
    }
    if (!signatures.isAccepted(firstCall.thoughtSignature)) {
      throw new FakeHttpError(geminiErrors.corruptedThoughtSignature());
    }
  }
}

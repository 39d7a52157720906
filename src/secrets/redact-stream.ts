import { redactSecrets, secretTailStart } from "./secret-patterns.js";

/** A stream's bytes with secrets hidden, piece by piece. */
export interface StreamRedactor {
  /** What can go out now, redacted; a possible secret's beginning at the end waits for the next piece. */
  push(chunk: Uint8Array): Buffer;
  /** Whatever is still held, at the end of the stream. */
  end(): Buffer;
}

/** No secret is longer than this: a longer run is let through rather than held without bound. */
const MAX_HELD_CHARS = 512;

/**
 * Hides secrets in relayed bytes without buffering the stream: each piece goes out at once, except a
 * tail that could be the first part of a key split across two pieces, which is joined to the next one.
 * Bytes are read as latin1 (one character per byte), so multi-byte text passes through untouched and
 * only the ASCII of keys is matched and replaced.
 */
export function createStreamRedactor(
  secretLists: () => ReadonlyArray<readonly (string | undefined)[]>,
): StreamRedactor {
  let held = "";
  return {
    push(chunk) {
      const text = held + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
      const lists = secretLists();
      let cut = secretTailStart(text, lists);
      if (text.length - cut > MAX_HELD_CHARS) cut = text.length;
      held = text.slice(cut);
      return Buffer.from(redactSecrets(text.slice(0, cut), lists), "latin1");
    },
    end() {
      const rest = held;
      held = "";
      return Buffer.from(redactSecrets(rest, secretLists()), "latin1");
    },
  };
}

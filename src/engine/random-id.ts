import { randomBytes } from "node:crypto";

/** Random bytes drawn in blocks: one `randomBytes` call per id costs more than the rest of the id. */
const ID_BYTES = 12;
const POOL_BYTES = ID_BYTES * 256;
let idPool = Buffer.alloc(0);
let idOffset = POOL_BYTES;

/**
 * 16 random URL-safe characters (96 bits), for the ids protocols make: `chatcmpl-…`, `call_…`, `toolu_…`.
 */
export function randomId(): string {
  if (idOffset >= idPool.length) {
    idPool = randomBytes(POOL_BYTES);
    idOffset = 0;
  }
  const id = idPool.toString("base64url", idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

import pLimit from "p-limit";
import { GatewayError } from "../errors.js";
import { DOWNLOADS_PER_PROCESS } from "./media-limits.js";

/**
 * What every request's downloads share. This is deliberately module state: it guards the memory of
 * the process, which every gateway in the process shares.
 */
let heldBytes = 0;

/** Runs a download when one of the process's download slots is free. */
export const processDownloadSlot = pLimit(DOWNLOADS_PER_PROCESS);

/** Bytes downloaded media hold right now, process-wide. */
export function mediaBytesHeld(): number {
  return heldBytes;
}

/**
 * One request's share of the process-wide byte budget: bytes are taken as they arrive and all given
 * back at once, when the request is over (its downloaded media live until then).
 */
export class MediaAccount {
  private taken = 0;
  private closed = false;

  constructor(private readonly maxProcessBytes: number) {}

  /** Counts `bytes` more; throws a 503 when the process already holds its budget. */
  take(bytes: number): void {
    if (this.closed) throw new Error("media account closed");
    if (heldBytes + bytes > this.maxProcessBytes) {
      throw new GatewayError({
        status: 503,
        type: "server_error",
        code: "media_downloads_busy",
        message:
          "The gateway is holding as many downloaded images as it may (MEDIA_MAX_PROCESS_BYTES) for other requests; retry in a moment or send the image as a data: URL.",
        headers: { "retry-after": "1" },
      });
    }
    heldBytes += bytes;
    this.taken += bytes;
  }

  /** Gives every byte back; later calls do nothing. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    heldBytes -= this.taken;
    this.taken = 0;
  }
}

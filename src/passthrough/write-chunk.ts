import type { Response } from "express";

/**
 * Writes one chunk and resolves once the socket can take more (`drain`), so a slow client slows the
 * upstream read instead of filling memory. Resolves `false` when the client has gone.
 */
export function writeChunk(response: Response, chunk: Uint8Array): Promise<boolean> {
  if (response.destroyed || response.writableEnded) return Promise.resolve(false);
  if (response.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve(!response.destroyed && !response.writableEnded);
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

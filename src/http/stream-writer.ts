import type { Response } from "express";

/**
 * The one way a streamed answer reaches the client, with backpressure: a write that the socket cannot
 * take yet waits for `drain` (or for the client to leave) before the next one, so a slow client slows
 * the upstream read instead of filling memory. Used for the engine's event streams and for the bytes
 * the passthrough relays.
 */
export class StreamWriter {
  private opened = false;
  private closed = false;

  constructor(private readonly response: Response) {
    response.once("close", () => {
      this.closed = true;
    });
  }

  /** The status line went out: nothing can change the status after this. */
  get isOpen(): boolean {
    return this.opened || this.response.headersSent;
  }

  /** The client has gone, or the answer has ended. */
  get isClosed(): boolean {
    return this.closed || this.response.writableEnded || this.response.destroyed;
  }

  /** Sends the status line and headers at once, so the client sees the stream has started. */
  open(status: number, headers: Readonly<Record<string, string>>): void {
    this.opened = true;
    this.response.status(status);
    for (const [name, value] of Object.entries(headers)) this.response.setHeader(name, value);
    this.response.flushHeaders();
  }

  /** Writes one piece; resolves `true` once the socket can take more, `false` when the client has gone. */
  write(chunk: string | Uint8Array): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    if (chunk.length === 0) return Promise.resolve(true);
    if (this.response.write(chunk)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        this.response.off("drain", done);
        this.response.off("close", done);
        resolve(!this.isClosed);
      };
      this.response.on("drain", done);
      this.response.on("close", done);
    });
  }

  /** Ends the answer, with a last piece when one is given. */
  end(last?: string | Uint8Array): void {
    if (this.response.writableEnded) return;
    if (last === undefined || last.length === 0) this.response.end();
    else this.response.end(last);
  }

  /** Cuts the connection: for a stream that cannot be ended cleanly in its own format. */
  destroy(): void {
    this.response.destroy();
  }
}

/** The headers of every server-sent event stream the gateway writes. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

import type { Response } from "express";

/**
 * Writes an event stream with backpressure: a write that the socket cannot take yet waits for
 * `drain` (or for the client to leave) before the next one.
 */
export class SseWriter {
  private closed = false;
  private opened = false;

  constructor(private readonly response: Response) {
    response.once("close", () => {
      this.closed = true;
    });
  }

  get isOpen(): boolean {
    return this.opened;
  }

  get isClosed(): boolean {
    return this.closed || this.response.writableEnded || this.response.destroyed;
  }

  /** Sends the status line and headers; nothing can change the status after this. */
  open(): void {
    this.opened = true;
    this.response.status(200);
    this.response.setHeader("content-type", "text/event-stream; charset=utf-8");
    this.response.setHeader("cache-control", "no-cache, no-transform");
    this.response.setHeader("x-accel-buffering", "no");
    this.response.flushHeaders();
  }

  /** One `data:` event; resolves once the socket can take more. */
  data(payload: string): Promise<void> {
    return this.write(`data: ${payload}\n\n`);
  }

  /** An SSE comment, ignored by every client: keeps idle proxies and client timeouts from cutting the stream. */
  comment(text: string): Promise<void> {
    return this.write(`: ${text}\n\n`);
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }

  private write(text: string): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    if (this.response.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off("drain", done);
        this.response.off("close", done);
        resolve();
      };
      this.response.on("drain", done);
      this.response.on("close", done);
    });
  }
}

import type { Response } from "express";
import type { Dispatcher } from "../dispatch/dispatch.js";
import type { AnswerFailure, AnswerUsage } from "../engine/answer-events.js";
import { SHUTTING_DOWN } from "../engine/shutting-down.js";
import type { UsageRecorder } from "../engine/usage-recorder.js";
import { eitherSignal } from "../http/either-signal.js";
import { StreamWriter } from "../http/stream-writer.js";
import { createStreamRedactor } from "../secrets/redact-stream.js";
import { ClientGoneError, type UpstreamRequest } from "../upstream/gemini-client.js";
import type { CommitPoint, RelayedAnswer } from "../upstream/upstream-attempt.js";

export type { CommitPoint };

/** One request passed through to the upstream with a pool key. */
export interface PassthroughCall {
  /** The call to make: path under the upstream root, the client's query (without its own `key`), its body. */
  request: UpstreamRequest;
  /** The model whose quota the call spends; undefined for model lists. */
  model: string | undefined;
  /** When the client is committed to the answer (see `CommitPoint`). */
  commitAt: CommitPoint;
  /** Reads token usage from a JSON answer or from one stream event. */
  usageOf?: (json: unknown) => AnswerUsage | undefined;
  /**
   * The event that tells a stream's reader the upstream broke (or the gateway is closing) after it
   * started, in the protocol's own shape; without one the connection is cut.
   */
  interruptionEvent?: (failure: AnswerFailure) => string;
}

export interface UpstreamRelayDependencies {
  dispatcher: Pick<Dispatcher, "dispatch">;
  usage: UsageRecorder;
  /** Every secret relayed bytes must never carry (the pool's keys; anything key-shaped is always hidden). */
  secrets: () => ReadonlyArray<readonly string[]>;
  /** Aborted when the gateway's shutdown grace has run out: open streams end with their error event. */
  closing: AbortSignal;
}

/**
 * Passes one request through to the upstream with a key from the pool and relays the answer as Google
 * gave it (status, content type, bytes), with one change: secrets are hidden, also in a stream, without
 * buffering it. The client is committed only once an attempt has succeeded (whole body read, or a
 * stream's first event), so a 429, a 5xx or a broken connection before that moves to another key
 * through the one dispatch loop, invisibly to the client.
 */
export class UpstreamRelay {
  constructor(private readonly dependencies: UpstreamRelayDependencies) {}

  async relay(call: PassthroughCall, clientSignal: AbortSignal, response: Response): Promise<void> {
    const { dispatcher } = this.dependencies;
    const stop = eitherSignal(clientSignal, this.dependencies.closing);
    try {
      const { value: answer, lease } = await dispatcher.dispatch(
        { model: call.model, signal: stop.signal },
        (upstream) =>
          upstream.bytes(call.request, {
            commitAt: call.commitAt,
            ...(call.usageOf ? { usageOf: call.usageOf } : {}),
          }),
      );
      const record = () => {
        const usage = answer.usage();
        if (call.model && usage) this.dependencies.usage.record(call.model, lease.id, usage);
      };
      if (!answer.rest) {
        const redactor = createStreamRedactor(this.dependencies.secrets);
        const body = Buffer.concat([...answer.head.map((chunk) => redactor.push(chunk)), redactor.end()]);
        record();
        response.status(answer.status);
        response.setHeader("content-type", answer.contentType ?? "application/json; charset=UTF-8");
        response.setHeader("content-length", body.length);
        response.end(body);
        return;
      }
      try {
        await this.relayStream(call, answer, clientSignal, response);
      } finally {
        record();
      }
    } finally {
      stop.dispose();
    }
  }

  /** Relays a committed stream chunk for chunk, at the pace the client reads, secrets hidden. */
  private async relayStream(
    call: PassthroughCall,
    answer: RelayedAnswer<AnswerUsage>,
    clientSignal: AbortSignal,
    response: Response,
  ): Promise<void> {
    const writer = new StreamWriter(response);
    const redactor = createStreamRedactor(this.dependencies.secrets);
    writer.open(answer.status, {
      "content-type": answer.contentType ?? "application/json; charset=UTF-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    });
    let written: Buffer = Buffer.alloc(0);
    const write = async (bytes: Buffer) => {
      if (bytes.length > 0) written = bytes;
      if (!(await writer.write(bytes))) throw new ClientGoneError("client disconnected");
    };
    try {
      for (const chunk of answer.head) await write(redactor.push(chunk));
      // A failure of the rest has already been classified and charged by the read that opened it.
      for await (const chunk of answer.rest ?? []) await write(redactor.push(chunk));
      writer.end(redactor.end());
    } catch (error) {
      if (clientSignal.aborted || writer.isClosed) {
        writer.destroy();
        return;
      }
      const closing = this.dependencies.closing.aborted;
      if (!closing && error instanceof ClientGoneError) {
        writer.destroy();
        return;
      }
      const rest = redactor.end();
      if (rest.length > 0) await writer.write(rest);
      const failure: AnswerFailure = closing
        ? SHUTTING_DOWN
        : {
            status: 502,
            code: "upstream_error",
            message: `Upstream stream interrupted: ${error instanceof Error ? error.message : String(error)}`,
          };
      const tail = rest.length > 0 ? rest : written;
      if (call.interruptionEvent && endsAnEvent(tail)) writer.end(call.interruptionEvent(failure));
      else writer.destroy();
    }
  }
}

/** Whether the bytes so far end between two events, where one more event can be appended cleanly. */
function endsAnEvent(chunk: Buffer): boolean {
  const tail = chunk.subarray(-4).toString("latin1");
  return tail.endsWith("\n\n") || tail.endsWith("\r\r") || tail.endsWith("\r\n\r\n");
}

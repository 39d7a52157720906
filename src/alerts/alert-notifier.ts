import pRetry from "p-retry";
import { request } from "undici";
import type { Logger } from "../observability/logger.js";
import { type AlertEvent, type AlertMessage, describeAlert } from "./alert-event.js";
import type { AlertTarget } from "./alert-target.js";
import { acceptedByService, formatAlertPayload } from "./format-alert-payload.js";
import { signAlertRequest } from "./sign-alert-request.js";

/** One send's time limit: a receiver that hangs costs this, then the next try. */
const SEND_TIMEOUT_MS = 10_000;
/** Tries after the first; with the backoff below they span about two minutes. */
const RETRIES = 5;
const FIRST_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 60_000;
/** Messages waiting for one target at most; beyond it the oldest go (a receiver down for hours). */
const MAX_QUEUED = 100;
/** A service's answer is read up to this size (only to see whether it took the message). */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface AlertDelivery {
  target: string;
  format: AlertTarget["format"];
  ok: boolean;
  status: number | null;
  error: string | null;
}

interface TargetQueue {
  target: AlertTarget;
  pending: AlertMessage[];
  draining: boolean;
}

/**
 * Posts alerts to every `ALERT_WEBHOOK_URL` target, each in its format, off the request path: `notify`
 * only queues. Each target has its own queue, sent in order; a failed send is tried again with
 * exponential backoff (p-retry), so one receiver that is down or hangs delays nothing but its own
 * messages. Every text passes the gateway's redaction first, so no key or token can reach a chat.
 */
export class AlertNotifier {
  private readonly queues: TargetQueue[];
  private readonly closing = new AbortController();

  constructor(
    private readonly options: {
      targets: readonly AlertTarget[];
      redact: (text: string) => string;
      logger: Logger;
      now: () => number;
    },
  ) {
    this.queues = options.targets.map((target) => ({ target, pending: [], draining: false }));
  }

  get targets(): readonly AlertTarget[] {
    return this.options.targets;
  }

  notify(event: AlertEvent): void {
    if (this.queues.length === 0 || this.closing.signal.aborted) return;
    const message = this.messageOf(event);
    this.options.logger.info({ alert: message.event, title: message.title }, "alert");
    for (const queue of this.queues) {
      queue.pending.push(message);
      if (queue.pending.length > MAX_QUEUED) {
        queue.pending.shift();
        this.options.logger.warn(
          { target: queue.target.label },
          "alert queue full; the oldest alert dropped",
        );
      }
      if (!queue.draining) void this.drain(queue);
    }
  }

  /** `POST /admin/alerts/test`: one test message to every target, tried once, with each outcome. */
  async test(): Promise<AlertDelivery[]> {
    const message = this.messageOf({ kind: "test" });
    return Promise.all(
      this.options.targets.map(async (target): Promise<AlertDelivery> => {
        try {
          const status = await this.post(target, message);
          return { target: target.label, format: target.format, ok: true, status, error: null };
        } catch (error) {
          const status = error instanceof DeliveryError ? error.status : null;
          return {
            target: target.label,
            format: target.format,
            ok: false,
            status,
            error: (error as Error).message,
          };
        }
      }),
    );
  }

  close(): void {
    this.closing.abort();
  }

  private messageOf(event: AlertEvent): AlertMessage {
    const message = describeAlert(event, this.options.now());
    return { ...message, title: this.options.redact(message.title), text: this.options.redact(message.text) };
  }

  private async drain(queue: TargetQueue): Promise<void> {
    queue.draining = true;
    try {
      for (let message = queue.pending.shift(); message; message = queue.pending.shift()) {
        const current = message;
        try {
          await pRetry(() => this.post(queue.target, current), {
            retries: RETRIES,
            minTimeout: FIRST_RETRY_DELAY_MS,
            maxTimeout: MAX_RETRY_DELAY_MS,
            randomize: true,
            signal: this.closing.signal,
            unref: true,
            onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
              this.options.logger.warn(
                { target: queue.target.label, attempt: attemptNumber, retriesLeft, error: error.message },
                "alert not delivered; will retry",
              );
            },
          });
        } catch (error) {
          if (this.closing.signal.aborted) return;
          this.options.logger.error(
            { target: queue.target.label, alert: current.event, error: (error as Error).message },
            "alert given up after every retry",
          );
        }
      }
    } finally {
      queue.draining = false;
    }
  }

  /** One send; resolves with the status when the service took the message, throws otherwise. */
  private async post(target: AlertTarget, message: AlertMessage): Promise<number> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]);
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      const signed = signAlertRequest(target, formatAlertPayload(target, message), this.options.now());
      answer = await request(signed.url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "user-agent": "gemini-rotator" },
        body: JSON.stringify(signed.body),
        signal,
      });
    } catch (error) {
      // undici's messages name the host at most; the URL's path and query (the secret) never.
      throw new DeliveryError(null, signal.aborted ? "no answer in time" : (error as Error).message);
    }
    const body = await readSmall(answer.body);
    if (!acceptedByService(target, answer.statusCode, body)) {
      throw new DeliveryError(answer.statusCode, `the service answered ${answer.statusCode}`);
    }
    return answer.statusCode;
  }
}

class DeliveryError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** The answer as JSON when it is small JSON, else undefined (its bytes are drained either way). */
async function readSmall(body: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
  }
  if (size > MAX_ANSWER_BYTES) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

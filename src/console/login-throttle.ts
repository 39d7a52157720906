interface ClientRecord {
  failures: number;
  /** The next attempt from this client is checked no sooner than this. */
  nextAllowedAt: number;
  lastFailureAt: number;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;
/** A client that stopped failing this long ago starts over. */
const FORGET_AFTER_MS = 15 * 60_000;
/** Client addresses remembered at most; the oldest go first. */
const MAX_CLIENTS = 10_000;

/**
 * Slows down guessing the admin token at the console's login: after each failure, the next attempt
 * from the same address waits longer (250 ms, doubling, at most 10 s). Attempts sent in parallel queue
 * behind each other, so parallelism does not get around the delay.
 */
export class LoginThrottle {
  private readonly clients = new Map<string, ClientRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How long this attempt must wait before it is checked; it takes its place in the queue. */
  reserve(address: string): number {
    const now = this.now();
    const record = this.clients.get(address);
    if (!record) return 0;
    if (now - record.lastFailureAt > FORGET_AFTER_MS) {
      this.clients.delete(address);
      return 0;
    }
    const startAt = Math.max(now, record.nextAllowedAt);
    record.nextAllowedAt = startAt + delayAfter(record.failures);
    return startAt - now;
  }

  failed(address: string): void {
    const now = this.now();
    const record = this.clients.get(address) ?? { failures: 0, nextAllowedAt: now, lastFailureAt: now };
    record.failures += 1;
    record.lastFailureAt = now;
    record.nextAllowedAt = Math.max(record.nextAllowedAt, now + delayAfter(record.failures));
    this.clients.delete(address);
    this.clients.set(address, record);
    while (this.clients.size > MAX_CLIENTS) {
      const oldest = this.clients.keys().next().value;
      if (oldest === undefined) break;
      this.clients.delete(oldest);
    }
  }

  succeeded(address: string): void {
    this.clients.delete(address);
  }
}

function delayAfter(failures: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1), MAX_DELAY_MS);
}

/**
 * Finding many known secrets in a text at a cost that does not grow with their number.
 *
 * A pool of thousands of keys that redaction cannot recognise by their shape (a relay's keys, keys
 * allowed with `allow-any-shape`) used to cost one search per key for every log line and every relayed
 * piece of a stream. Here the secrets are indexed once per key set by their first characters, and a
 * text is read once: each place a secret could start costs one lookup, whatever the number of secrets.
 *
 * Hand-written rather than an Aho-Corasick package: the automaton of 5,000 keys took about a second to
 * build (on every key added at runtime) and about 8 µs for an ordinary log line; this index is built in
 * milliseconds and reads a log line in about 1 µs, since it looks only inside runs of token characters.
 */

/** The characters API keys and tokens are made of (src/keys/key-shape.ts allows no others without an option). */
const TOKEN_CHARACTERS = "A-Za-z0-9._~+/=-";
const ONLY_TOKEN_CHARACTERS = new RegExp(`^[${TOKEN_CHARACTERS}]+$`);
const TRAILING_TOKEN_RUN = new RegExp(`[${TOKEN_CHARACTERS}]*$`);

/** Up to this many secrets a group is searched for one by one (`includes` is native and fast). */
const SEARCHED_ONE_BY_ONE = 8;

interface Match {
  start: number;
  end: number;
}

/**
 * Secrets of one kind. Those made only of token characters can only occur inside a run of them, so
 * only such runs are read; any other secret may start anywhere.
 */
class SecretGroup {
  /** The longest first, so a secret that contains another is found whole. */
  private readonly secrets: readonly string[];
  /** Every secret begins with one of these (their first `anchorLength` characters). */
  private readonly byAnchor = new Map<string, string[]>();
  private readonly anchorLength: number;
  /** The first two characters of every secret, as numbers: most places are passed over on this alone. */
  private readonly openings = new Set<number>();
  /** Sorted, to find whether a text's end is the beginning of some secret. */
  private readonly sorted: readonly string[];
  private readonly longest: number;
  private readonly runs: RegExp | undefined;

  constructor(secrets: readonly string[], tokensOnly: boolean) {
    this.secrets = [...secrets].sort((first, second) => second.length - first.length);
    this.longest = this.secrets[0]?.length ?? 0;
    this.anchorLength = this.secrets.at(-1)?.length ?? 0;
    this.sorted = [...secrets].sort();
    for (const secret of this.secrets) {
      this.openings.add(openingAt(secret, 0));
      const anchor = secret.slice(0, this.anchorLength);
      const list = this.byAnchor.get(anchor);
      if (list) list.push(secret);
      else this.byAnchor.set(anchor, [secret]);
    }
    // Whole runs only: the look-behind keeps the search from starting again inside a run too short.
    this.runs = tokensOnly
      ? new RegExp(`(?<![${TOKEN_CHARACTERS}])[${TOKEN_CHARACTERS}]{${this.anchorLength},}`, "g")
      : undefined;
  }

  get size(): number {
    return this.secrets.length;
  }

  /** Where secrets occur in `text` (not sorted, possibly overlapping). */
  find(text: string, found: Match[], firstOnly: boolean): void {
    if (this.secrets.length === 0 || text.length < this.anchorLength) return;
    if (this.secrets.length <= SEARCHED_ONE_BY_ONE) {
      for (const secret of this.secrets) {
        for (let start = text.indexOf(secret); start !== -1; start = text.indexOf(secret, start + 1)) {
          found.push({ start, end: start + secret.length });
          if (firstOnly) return;
        }
      }
      return;
    }
    if (!this.runs) {
      this.findBetween(text, 0, text.length, found, firstOnly);
      return;
    }
    this.runs.lastIndex = 0;
    for (let run = this.runs.exec(text); run !== null; run = this.runs.exec(text)) {
      this.findBetween(text, run.index, run.index + run[0].length, found, firstOnly);
      if (firstOnly && found.length > 0) return;
    }
  }

  private findBetween(text: string, from: number, to: number, found: Match[], firstOnly: boolean): void {
    const lastStart = to - this.anchorLength;
    for (let start = from; start <= lastStart; start++) {
      if (!this.openings.has(openingAt(text, start))) continue;
      const candidates = this.byAnchor.get(text.slice(start, start + this.anchorLength));
      if (!candidates) continue;
      const secret = candidates.find(
        (candidate) => start + candidate.length <= to && text.startsWith(candidate, start),
      );
      if (!secret) continue;
      found.push({ start, end: start + secret.length });
      if (firstOnly) return;
      start += secret.length - 1;
    }
  }

  /** The start of the longest end of `text` that is the beginning (not the whole) of a secret. */
  tailStart(text: string): number {
    if (this.secrets.length === 0) return text.length;
    const room = this.runs ? (TRAILING_TOKEN_RUN.exec(text)?.[0].length ?? 0) : text.length;
    const longest = Math.min(this.longest - 1, room);
    for (let length = longest; length > 0; length--) {
      if (this.beginsSecret(text.slice(text.length - length))) return text.length - length;
    }
    return text.length;
  }

  private beginsSecret(piece: string): boolean {
    if (this.secrets.length <= SEARCHED_ONE_BY_ONE) {
      return this.secrets.some((secret) => secret.length > piece.length && secret.startsWith(piece));
    }
    // The first secret not sorted before `piece` begins with it if any does.
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.sorted[middle] as string) < piece) low = middle + 1;
      else high = middle;
    }
    const next = this.sorted[low];
    return next !== undefined && next.length > piece.length && next.startsWith(piece);
  }
}

/** The two characters at `index` as one number (every secret is at least two characters long). */
function openingAt(text: string, index: number): number {
  return (text.charCodeAt(index) << 16) | text.charCodeAt(index + 1);
}

/** A set of literal secrets, built once, searched in one reading of a text. */
export class SecretIndex {
  private readonly groups: readonly SecretGroup[];

  /** Secrets shorter than two characters are left out (they would match ordinary text anyway). */
  constructor(secrets: readonly string[]) {
    const unique = [...new Set(secrets)].filter((secret) => secret.length >= 2);
    this.groups = [
      new SecretGroup(
        unique.filter((secret) => ONLY_TOKEN_CHARACTERS.test(secret)),
        true,
      ),
      new SecretGroup(
        unique.filter((secret) => !ONLY_TOKEN_CHARACTERS.test(secret)),
        false,
      ),
    ].filter((group) => group.size > 0);
  }

  get empty(): boolean {
    return this.groups.length === 0;
  }

  /** `text` with every secret replaced; where two overlap, the one starting first (then the longer) wins. */
  replace(text: string, replacement: string): string {
    if (this.groups.length === 0) return text;
    const found: Match[] = [];
    for (const group of this.groups) group.find(text, found, false);
    if (found.length === 0) return text;
    found.sort((first, second) => first.start - second.start || second.end - first.end);
    let result = "";
    let copied = 0;
    for (const match of found) {
      if (match.start < copied) {
        // Overlaps a replaced secret: hide the rest of it too.
        if (match.end > copied) copied = match.end;
        continue;
      }
      result += text.slice(copied, match.start) + replacement;
      copied = match.end;
    }
    return result + text.slice(copied);
  }

  contains(text: string): boolean {
    const found: Match[] = [];
    for (const group of this.groups) {
      group.find(text, found, true);
      if (found.length > 0) return true;
    }
    return false;
  }

  /** Where a secret may begin at the end of `text` (see `secretTailStart`). */
  tailStart(text: string): number {
    let start = text.length;
    for (const group of this.groups) start = Math.min(start, group.tailStart(text));
    return start;
  }
}

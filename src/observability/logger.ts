import { type DestinationStream, type Logger, pino } from "pino";
import { hideKeyShapes, hideKnownSecrets } from "../secrets/secret-patterns.js";

export type { Logger };

const SECRET_SOURCES = Symbol("secretSources");

type SecretSource = () => Iterable<string | undefined>;

interface LoggerWithSecrets {
  [SECRET_SOURCES]?: SecretSource[];
}

/**
 * Shapes of secrets the logger removes even when it was not told about them (besides anything shaped
 * like a Google key or a client token): the value of a `key=` query parameter, a Bearer token, the
 * credentials in a URL (`socks5://user:password@host`, a proxy's).
 */
const SECRET_SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/([?&;]key=)[^&\s"'\\]+/gi, "$1[redacted]"],
  [/(Bearer\s+)[^\s"'\\,]+/gi, "$1[redacted]"],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'\\]+@/gi, "$1[redacted]@"],
];

/** Removes the given secrets and every secret shape from a text (a whole log line). */
export function scrubSecrets(text: string, secrets: Iterable<string | undefined>): string {
  return scrubLists(text, [Array.isArray(secrets) ? secrets : [...secrets]]);
}

function scrubLists(text: string, secretLists: ReadonlyArray<readonly (string | undefined)[]>): string {
  let result = hideKeyShapes(hideKnownSecrets(text, secretLists, "[redacted]"));
  for (const [pattern, replacement] of SECRET_SHAPES) result = result.replace(pattern, replacement);
  return result;
}

/**
 * Structured JSON logs (one object per line, ISO time, level by name). Fields that carry secrets are
 * redacted by path, and every finished line is scrubbed once more of the pool's keys, the gateway's
 * tokens and anything key-shaped, so a key that slipped into a message or a stack trace never reaches
 * the output. The scrubbing costs the same with 5 keys or 5,000: fixed patterns, plus one index of the
 * secrets no pattern catches (src/secrets/secret-index.ts), built once per key set.
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  const sources: SecretSource[] = [];
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  const scrubbing: DestinationStream = {
    write(line: string) {
      target.write(scrubLists(line, knownSecrets(sources)));
    },
  };
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "key",
          "apiKey",
          "token",
          "*.key",
          "*.apiKey",
          "*.token",
          "headers.authorization",
          'headers["x-goog-api-key"]',
          "headers.cookie",
          "req.headers.authorization",
          'req.headers["x-goog-api-key"]',
          "req.headers.cookie",
          "*.headers.authorization",
          '*.headers["x-goog-api-key"]',
          "*.headers.cookie",
        ],
        censor: "[redacted]",
      },
    },
    scrubbing,
  );
  (logger as LoggerWithSecrets)[SECRET_SOURCES] = sources;
  return logger;
}

/**
 * Tells a logger made by `createLogger` (or a child of one) which strings it must never write; the
 * source is read for every line, so keys added at runtime are covered at once. A source that answers
 * a frozen array, new when the set changes (as `KeyPool.secrets()` does), is indexed once per set;
 * any other list is indexed for every line and should stay short.
 */
export function neverLog(logger: Logger, secrets: SecretSource): void {
  const sources = (logger as LoggerWithSecrets)[SECRET_SOURCES];
  if (sources && !sources.includes(secrets)) sources.push(secrets);
}

/** The lists the sources give now (a source that returns an array keeps its identity, for caching). */
function knownSecrets(sources: readonly SecretSource[]): Array<readonly (string | undefined)[]> {
  return sources.map((source) => {
    const secrets = source();
    return Array.isArray(secrets) ? secrets : [...secrets];
  });
}

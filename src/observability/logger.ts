import { type Logger, pino } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Headers and fields that can carry secrets are redacted wherever they appear;
 * upstream messages are redacted before they reach a log line (see upstream/redact.ts).
 */
export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: [
          "key",
          "apiKey",
          "*.key",
          "*.apiKey",
          "headers.authorization",
          'headers["x-goog-api-key"]',
          "headers.cookie",
          "req.headers.authorization",
          'req.headers["x-goog-api-key"]',
          "req.headers.cookie",
          "*.headers.authorization",
          '*.headers["x-goog-api-key"]',
        ],
        censor: "[redacted]",
      },
    },
    options.destination,
  );
}

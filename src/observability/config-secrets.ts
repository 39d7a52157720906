import type { Config } from "../config.js";

const MIN_WEBHOOK_SECRET_LENGTH = 16;

/**
 * The settings' secrets: the gateway's tokens, a password inside `REDIS_URL`, and the alert webhooks'
 * URLs (a webhook's path or query is what lets anyone post to it).
 */
export function configSecrets(
  config: Partial<Pick<Config, "accessToken" | "adminToken" | "redisUrl" | "alertTargets">>,
): readonly string[] {
  const secrets = [config.accessToken, config.adminToken].filter((secret): secret is string =>
    Boolean(secret),
  );
  for (const target of config.alertTargets ?? []) {
    const url = new URL(target.url);
    const pathAndQuery = `${url.pathname}${url.search}`;
    secrets.push(target.url);
    // A webhook's secret part is long; a short path ("/alerts") is an ordinary word of log lines.
    if (pathAndQuery.length >= MIN_WEBHOOK_SECRET_LENGTH) secrets.push(pathAndQuery);
  }
  if (config.redisUrl) {
    try {
      const { password } = new URL(config.redisUrl);
      if (password) secrets.push(password, decodeURIComponent(password));
    } catch {
      // Not a URL: config validation already refused it.
    }
  }
  // Frozen: redaction indexes a list that cannot change once (src/secrets/secret-patterns.ts).
  return Object.freeze(secrets);
}

import type { Config } from "../config.js";

/** The settings' secrets: the gateway's tokens and a password inside `REDIS_URL`. */
export function configSecrets(
  config: Partial<Pick<Config, "accessToken" | "adminToken" | "redisUrl">>,
): string[] {
  const secrets = [config.accessToken, config.adminToken].filter((secret): secret is string =>
    Boolean(secret),
  );
  if (config.redisUrl) {
    try {
      const { password } = new URL(config.redisUrl);
      if (password) secrets.push(password, decodeURIComponent(password));
    } catch {
      // Not a URL: config validation already refused it.
    }
  }
  return secrets;
}

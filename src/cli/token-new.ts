/**
 * `npm run token:new -- <name>` (in the image: `node dist/cli/token-new.js <name>`): mints a client
 * token's secret and prints it once, with the entry for `CLIENT_TOKENS_FILE`, which holds only the
 * secret's hash. Nothing is written anywhere: the operator hands out the secret and pastes the entry.
 */

import { tokenNameSchema } from "../clients/client-token.js";
import { hashClientTokenSecret, mintClientTokenSecret } from "../clients/client-token-secret.js";

const usage = `Usage: npm run token:new -- <name>

Prints a new client token's secret (give it to the person or agent) and its entry for
CLIENT_TOKENS_FILE (add limits and models there). The gateway never needs the secret itself.`;

function main(argv: string[]): number {
  const name = argv[0];
  if (name === undefined || name === "--help" || argv.length > 1) {
    process.stdout.write(`${usage}\n`);
    return name === "--help" ? 0 : 2;
  }
  const parsed = tokenNameSchema.safeParse(name);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues[0]?.message ?? "bad name"}\n`);
    return 2;
  }
  const secret = mintClientTokenSecret();
  const entry = { name, secretHash: hashClientTokenSecret(secret), limits: {}, models: [] };
  process.stdout.write(
    `Secret for "${name}" (shown once; the gateway keeps only its hash):\n  ${secret}\n\n` +
      `Entry for CLIENT_TOKENS_FILE ({"tokens": [ … ]}):\n  ${JSON.stringify(entry)}\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));

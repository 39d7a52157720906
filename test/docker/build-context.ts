/**
 * The folder `docker compose build` would send: a copy of this checkout (its tracked files and new ones
 * Git does not ignore, as they are on disk) plus what a user's checkout holds beside them and must never
 * reach the image: a keys file, `.env` files, saved state, local builds. The checkout itself is never
 * touched (a developer's real keys.txt may be in it).
 */
import { cp, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { run } from "../support/run-command.js";

/** Files a user's checkout holds that the image must not, each with content that names it a decoy. */
export const DECOYS = [
  "keys.txt",
  "backup.keys.txt",
  ".env",
  ".env.production",
  "data/state.json",
  "node_modules/decoy-package/package.json",
  "dist/decoy.js",
  ".tools/decoy",
  "coverage/decoy.html",
] as const;

export async function makeBuildContext(checkout: string, context: string): Promise<void> {
  const listed = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: checkout,
  });
  if (listed.code !== 0) throw new Error(`git ls-files failed in ${checkout}:\n${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const target = join(context, file);
    await mkdir(dirname(target), { recursive: true });
    // A tracked file deleted in the working tree is not part of what a build would see.
    await cp(join(checkout, file), target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
  for (const decoy of DECOYS) {
    const target = join(context, decoy);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, decoy.endsWith(".json") ? '{"decoy":true}\n' : "fake-key-decoy-0000\n");
  }
}

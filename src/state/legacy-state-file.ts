import { readFile, rename } from "node:fs/promises";
import type { Logger } from "../observability/logger.js";
import { type PersistedState, persistedStateSchema } from "./persisted-state.js";

/**
 * Reads the JSON state file of versions before the embedded database, for its one import into the
 * database (src/store/sqlite-state-store.ts). Nothing writes this file any more: key state is saved
 * per key, only for the keys that changed. A corrupt or unreadable file is set aside with a warning;
 * it never stops start-up.
 */
export async function readLegacyStateFile(path: string, logger: Logger): Promise<PersistedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") logger.warn({ path, code }, "state file unreadable; starting fresh");
    return undefined;
  }
  try {
    return persistedStateSchema.parse(JSON.parse(text));
  } catch (error) {
    const asidePath = `${path}.corrupt-${Date.now()}`;
    await rename(path, asidePath).catch(() => {});
    logger.warn(
      { path, movedTo: asidePath, error: (error as Error).message.slice(0, 200) },
      "state file is corrupt; set it aside and starting fresh",
    );
    return undefined;
  }
}

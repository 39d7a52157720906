import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../observability/logger.js";
import { type PersistedState, persistedStateSchema } from "./persisted-state.js";
import type { StateSources, StateStore } from "./state-store.js";

/**
 * Key state in a JSON file: written atomically (temporary file, then rename) and debounced, restored at
 * start-up. A corrupt or unreadable file is set aside with a warning; it never stops start-up.
 */
export class FileStateStore implements StateStore {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private collect: (() => PersistedState) | undefined;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    private readonly debounceMs = 250,
  ) {}

  async load(): Promise<PersistedState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT")
        this.logger.warn({ path: this.path, code }, "state file unreadable; starting fresh");
      return undefined;
    }
    try {
      return persistedStateSchema.parse(JSON.parse(text));
    } catch (error) {
      const asidePath = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, asidePath).catch(() => {});
      this.logger.warn(
        { path: this.path, movedTo: asidePath, error: (error as Error).message.slice(0, 200) },
        "state file is corrupt; set it aside and starting fresh",
      );
      return undefined;
    }
  }

  /** Where the state to save comes from; read at save time so a save writes the latest state. */
  async attach(sources: StateSources): Promise<void> {
    this.collect = () => sources.collect();
  }

  keyChanged(): void {
    this.scheduleSave();
  }

  keySetChanged(): void {
    this.scheduleSave();
  }

  signaturesRemembered(): void {
    this.scheduleSave();
  }

  /** One process holds every signature it learnt; the file has nothing more. */
  async fetchSignatures(): Promise<Array<[string, string]>> {
    return [];
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.saveNow();
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Writes any pending change now (at shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.saveNow();
    }
    await this.writing;
  }

  private saveNow(): Promise<void> {
    const collect = this.collect;
    if (!collect) return this.writing;
    this.writing = this.writing.then(async () => {
      const temporaryPath = `${this.path}.${process.pid}.tmp`;
      try {
        await mkdir(dirname(this.path), { recursive: true });
        await writeFile(temporaryPath, `${JSON.stringify(collect())}\n`, { mode: 0o600 });
        await rename(temporaryPath, this.path);
      } catch (error) {
        this.logger.warn({ path: this.path, error: (error as Error).message }, "could not save key state");
      }
    });
    return this.writing;
  }
}

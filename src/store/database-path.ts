/**
 * Where the database lives: `STATE_FILE` with `.db` in place of its `.json` (`./data/state.json` →
 * `./data/state.db`), so that two gateways with their own `STATE_FILE` in one folder never share a
 * database. A `STATE_FILE` that already ends in `.db` is the database itself.
 */
export function databasePathFor(stateFile: string): string {
  if (/\.db$/i.test(stateFile)) return stateFile;
  return `${stateFile.replace(/\.json$/i, "")}.db`;
}

/** The JSON state file of earlier versions that start-up imports once, when there is one. */
export function legacyStateFileFor(stateFile: string): string | undefined {
  return /\.db$/i.test(stateFile) ? undefined : stateFile;
}

/** One change at a time against the gateway: busy while it runs, and its refusal as text to show. */
import { useState } from "preact/hooks";

/** What a failed call says: the gateway's message, or the error's own. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface Action {
  busy: boolean;
  failure: string | undefined;
  /** Runs `action`, clearing the last failure first; true when it succeeded. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
}

export function useAction(describe: (error: unknown) => string = messageOf): Action {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
      return true;
    } catch (error) {
      setFailure(describe(error));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, run };
}

/** Runs a load whenever its inputs change, keeping only the latest answer (an older one may land later). */
import { useEffect, useRef, useState } from "preact/hooks";

export type Loaded<Value> =
  | { kind: "loading"; previous?: Value }
  | { kind: "ready"; value: Value }
  | { kind: "failed"; message: string };

export function useAsync<Value>(load: () => Promise<Value>, inputs: unknown[]): [Loaded<Value>, () => void] {
  const [state, setState] = useState<Loaded<Value>>({ kind: "loading" });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setState((previous) => ({
      kind: "loading",
      ...(previous.kind === "ready" ? { previous: previous.value } : {}),
    }));
    load().then(
      (value) => {
        if (ticket === latest.current) setState({ kind: "ready", value });
      },
      (error: unknown) => {
        if (ticket === latest.current)
          setState({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
      },
    );
  }, [...inputs, round]);
  return [state, () => setRound((value) => value + 1)];
}

/** The latest value that arrived, also while a newer load is on its way. */
export function currentValue<Value>(state: Loaded<Value>): Value | undefined {
  if (state.kind === "ready") return state.value;
  if (state.kind === "loading") return state.previous;
  return undefined;
}

import type { KeyState } from "../api/types.js";
import { t } from "../i18n/language.js";
import type { MessageName } from "../i18n/messages-en.js";

function stateMessage(state: KeyState): MessageName {
  switch (state) {
    case "active":
      return "state.active";
    case "cooling":
      return "state.cooling";
    case "disabled":
      return "state.disabled";
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
}

/** A key's state as a coloured word ("resting" for cooling: the key waits out a limit). */
export function StateBadge({ state }: { state: KeyState }) {
  // A state from a newer server shows as itself rather than breaking the row.
  const known = state === "active" || state === "cooling" || state === "disabled";
  return (
    <span class={`badge badge-${state}`} data-state={state}>
      {known ? t(stateMessage(state)) : state}
    </span>
  );
}

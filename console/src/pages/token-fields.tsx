/**
 * The settings of a client token as a form: allowed model patterns, the three limits, the expiry and
 * (when changing one) whether it is enabled. Shared by "new token" and "change token"; the gateway checks
 * the values and its refusal is shown beside the form.
 */
import type { ClientTokenView, TokenLimitKind } from "../api/types.js";
import { t } from "../i18n/language.js";
import type { MessageName } from "../i18n/messages-en.js";

/** What the form's inputs hold, as typed. */
export interface TokenDraft {
  models: string;
  requestsPerMinute: string;
  requestsPerDay: string;
  tokensPerDay: string;
  /** `datetime-local` text (the browser's time zone), or empty for no expiry. */
  expiresAt: string;
  enabled: boolean;
}

export const EMPTY_DRAFT: TokenDraft = {
  models: "",
  requestsPerMinute: "",
  requestsPerDay: "",
  tokensPerDay: "",
  expiresAt: "",
  enabled: true,
};

const LIMIT_FIELDS: { kind: TokenLimitKind; message: MessageName }[] = [
  { kind: "requestsPerMinute", message: "tokens.field.rpm" },
  { kind: "requestsPerDay", message: "tokens.field.rpd" },
  { kind: "tokensPerDay", message: "tokens.field.tpd" },
];

/** An ISO time as a `datetime-local` value in the browser's time zone. */
function localInputTime(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function draftOf(token: ClientTokenView): TokenDraft {
  const limit = (kind: TokenLimitKind) => (token.limits[kind] === null ? "" : String(token.limits[kind]));
  return {
    models: token.models.join(", "),
    requestsPerMinute: limit("requestsPerMinute"),
    requestsPerDay: limit("requestsPerDay"),
    tokensPerDay: limit("tokensPerDay"),
    expiresAt: localInputTime(token.expiresAt),
    enabled: token.enabled,
  };
}

/**
 * The body /admin/tokens takes: an empty limit is none, an empty expiry never. A limit that is not a
 * number goes as typed, so that the gateway's own message says what is wrong with it.
 */
export function settingsBody(draft: TokenDraft) {
  const limit = (text: string) => {
    const typed = text.trim();
    if (typed === "") return null;
    const value = Number(typed);
    return Number.isFinite(value) ? value : typed;
  };
  const expiry = draft.expiresAt ? new Date(draft.expiresAt) : undefined;
  return {
    models: draft.models.split(/[\s,]+/).filter(Boolean),
    limits: {
      requestsPerMinute: limit(draft.requestsPerMinute),
      requestsPerDay: limit(draft.requestsPerDay),
      tokensPerDay: limit(draft.tokensPerDay),
    },
    expiresAt: expiry ? (Number.isNaN(expiry.getTime()) ? draft.expiresAt : expiry.toISOString()) : null,
    enabled: draft.enabled,
  };
}

export function TokenFields({
  draft,
  change,
  showEnabled,
}: {
  draft: TokenDraft;
  change: (draft: TokenDraft) => void;
  showEnabled: boolean;
}) {
  const set = (field: keyof TokenDraft, value: string | boolean) => change({ ...draft, [field]: value });
  return (
    <>
      <label class="field wide">
        {t("tokens.field.models")}
        <input
          type="text"
          spellcheck={false}
          placeholder={t("tokens.field.models.hint")}
          value={draft.models}
          onInput={(event) => set("models", event.currentTarget.value)}
        />
      </label>
      {LIMIT_FIELDS.map(({ kind, message }) => (
        <label key={kind} class="field">
          {t(message)}
          <input
            type="number"
            min={1}
            step={1}
            placeholder={t("tokens.noLimit")}
            value={draft[kind]}
            onInput={(event) => set(kind, event.currentTarget.value)}
          />
        </label>
      ))}
      <label class="field">
        {t("tokens.field.expiry")}
        <input
          type="datetime-local"
          value={draft.expiresAt}
          onInput={(event) => set("expiresAt", event.currentTarget.value)}
        />
      </label>
      {showEnabled && (
        <label class="check">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(event) => set("enabled", event.currentTarget.checked)}
          />
          {t("tokens.field.enabled")}
        </label>
      )}
    </>
  );
}

/**
 * One client token of the Tokens table: its state, models, limits, today's use against each daily
 * limit, expiry and source, with its actions (change, revoke, delete). A token of CLIENT_TOKENS_FILE is
 * shown but not changed here: the gateway refuses, so the row says where to change it instead.
 */
import { useState } from "preact/hooks";
import { callApi } from "../api/admin-client.js";
import type { ClientTokenState, ClientTokenView } from "../api/types.js";
import { useAction } from "../components/use-action.js";
import { formatAgo, formatCompact, formatNumber, formatTime } from "../i18n/format.js";
import { t } from "../i18n/language.js";
import type { MessageName } from "../i18n/messages-en.js";
import { now } from "../state/clock.js";
import { draftOf, settingsBody, type TokenDraft, TokenFields } from "./token-fields.js";

export const TOKEN_COLUMNS = 9;

function stateMessage(state: ClientTokenState): MessageName {
  switch (state) {
    case "active":
      return "tokens.state.active";
    case "disabled":
      return "tokens.state.disabled";
    case "revoked":
      return "tokens.state.revoked";
    case "expired":
      return "tokens.state.expired";
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
}

function TokenStateBadge({ state }: { state: ClientTokenState }) {
  const known = ["active", "disabled", "revoked", "expired"].includes(state);
  return (
    <span class={`badge badge-${state}`} data-state={state}>
      {known ? t(stateMessage(state)) : state}
    </span>
  );
}

/** Today's use against a daily limit: a bar and "used / limit (percent)", or the use alone without one. */
function LimitMeter({
  used,
  limit,
  label,
  compact,
}: {
  used: number;
  limit: number | null;
  label: string;
  compact: boolean;
}) {
  const format = compact ? formatCompact : formatNumber;
  if (limit === null) {
    return (
      <span class="nowrap">
        {format(used)} <span class="muted small">({t("tokens.noLimit")})</span>
      </span>
    );
  }
  // Tokens are counted once an answer is known, so a day can end above its limit: say so as it is.
  const percent = Math.round((used / limit) * 100);
  return (
    <div class={`meter${used >= limit ? " full" : ""}`}>
      <progress max={limit} value={Math.min(used, limit)} aria-label={label} />
      <span class="meter-text">
        {format(used)} / {format(limit)} ({percent}%)
      </span>
    </div>
  );
}

/** "3 min ago"; a time the browser's clock has not reached yet (the server's is ahead) is "now". */
function ago(iso: string): string {
  return formatAgo(iso, Math.max(now.value, Date.parse(iso)));
}

export function TokenRow({ token, changed }: { token: ClientTokenView; changed: () => void }) {
  const { busy, failure, run } = useAction();
  const [confirming, setConfirming] = useState<"revoke" | "delete" | undefined>();
  const [draft, setDraft] = useState<TokenDraft | undefined>();
  const path = `/admin/tokens/${encodeURIComponent(token.name)}`;
  const fromFile = token.source === "file";

  const act = async (action: () => Promise<unknown>) => {
    if (await run(action)) changed();
    setConfirming(undefined);
  };
  const save = (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    void act(async () => {
      await callApi("PATCH", path, settingsBody(draft));
      setDraft(undefined);
    });
  };
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= now.value;
  // A token that expires while the page is open turns "expired" then, as the gateway refuses it then.
  const state = token.state === "active" && expired ? "expired" : token.state;
  const revoked = token.state === "revoked";
  const editing = draft !== undefined && !revoked;

  return (
    <>
      <tr data-token-name={token.name} data-state={state}>
        <td>
          <strong>{token.name}</strong>
          {token.createdAt && (
            <div class="muted small nowrap" title={formatTime(token.createdAt)}>
              {t("tokens.created", { time: ago(token.createdAt) })}
            </div>
          )}
        </td>
        <td>
          <TokenStateBadge state={state} />
          {token.revokedAt && (
            <div class="muted small nowrap" title={formatTime(token.revokedAt)}>
              {ago(token.revokedAt)}
            </div>
          )}
        </td>
        <td>
          {token.models.length === 0 ? (
            <span class="muted">{t("tokens.anyModel")}</span>
          ) : (
            <ul class="patterns">
              {token.models.map((pattern) => (
                <li key={pattern}>
                  <code>{pattern}</code>
                </li>
              ))}
            </ul>
          )}
        </td>
        <td class="number">
          {token.limits.requestsPerMinute === null ? (
            <span class="muted small">{t("tokens.noLimit")}</span>
          ) : (
            formatNumber(token.limits.requestsPerMinute)
          )}
        </td>
        <td data-testid="token-requests-today">
          <LimitMeter
            used={token.today.requests}
            limit={token.limits.requestsPerDay}
            label={t("tokens.meter.requests", { name: token.name })}
            compact={false}
          />
          {token.today.refused > 0 && (
            <div class="muted small">{t("tokens.refused", { count: formatNumber(token.today.refused) })}</div>
          )}
        </td>
        <td data-testid="token-tokens-today">
          <LimitMeter
            used={token.today.totalTokens}
            limit={token.limits.tokensPerDay}
            label={t("tokens.meter.tokens", { name: token.name })}
            compact
          />
        </td>
        <td class={`nowrap${expired ? " error" : ""}`} title={formatTime(token.expiresAt)}>
          {token.expiresAt ? formatTime(token.expiresAt) : <span class="muted">{t("common.never")}</span>}
        </td>
        <td>
          <span class={`source source-${token.source}`}>
            {fromFile ? t("tokens.source.file") : t("tokens.source.admin")}
          </span>
        </td>
        <td class="actions">
          {fromFile ? (
            <span class="muted small">{t("tokens.fromFile")}</span>
          ) : (
            <>
              {/* Revoked is for good: nothing left to change, only to delete. */}
              {!revoked && (
                <button
                  type="button"
                  disabled={busy}
                  aria-expanded={editing}
                  onClick={() => setDraft(editing ? undefined : draftOf(token))}
                >
                  {t("tokens.action.edit")}
                </button>
              )}
              {!revoked &&
                (confirming === "revoke" ? (
                  <button
                    type="button"
                    class="danger"
                    disabled={busy}
                    onClick={() => act(() => callApi("POST", `${path}/revoke`))}
                  >
                    {t("tokens.action.confirmRevoke")}
                  </button>
                ) : (
                  <button type="button" disabled={busy} onClick={() => setConfirming("revoke")}>
                    {t("tokens.action.revoke")}
                  </button>
                ))}
              {confirming === "delete" ? (
                <button
                  type="button"
                  class="danger"
                  disabled={busy}
                  onClick={() => act(() => callApi("DELETE", path))}
                >
                  {t("tokens.action.confirmDelete")}
                </button>
              ) : (
                <button type="button" disabled={busy} onClick={() => setConfirming("delete")}>
                  {t("tokens.action.delete")}
                </button>
              )}
              {confirming && (
                <button type="button" onClick={() => setConfirming(undefined)}>
                  {t("common.cancel")}
                </button>
              )}
            </>
          )}
          {failure && !editing && (
            <div class="error small" role="alert">
              {failure}
            </div>
          )}
        </td>
      </tr>
      {editing && (
        <tr class="token-edit" data-editing={token.name}>
          <td colSpan={TOKEN_COLUMNS}>
            <form
              class="token-form"
              aria-label={t("tokens.edit.title", { name: token.name })}
              onSubmit={save}
            >
              <TokenFields draft={draft} change={setDraft} showEnabled />
              <div class="form-buttons">
                <button type="submit" class="primary" disabled={busy}>
                  {t("common.save")}
                </button>
                <button type="button" onClick={() => setDraft(undefined)}>
                  {t("common.cancel")}
                </button>
              </div>
              {failure && (
                <p class="error" role="alert">
                  {failure}
                </p>
              )}
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

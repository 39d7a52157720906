/** One key of the Pool table, with its actions (enable, disable, remove, label). */
import { useState } from "preact/hooks";
import { callApi } from "../api/admin-client.js";
import type { PoolKey } from "../api/types.js";
import { Countdown } from "../components/countdown.js";
import { StateBadge } from "../components/state-badge.js";
import { useAction } from "../components/use-action.js";
import { formatAgo, formatCompact, formatNumber, formatTime } from "../i18n/format.js";
import { t } from "../i18n/language.js";
import { now } from "../state/clock.js";

function todayTokens(key: PoolKey): number | undefined {
  const today = key.today;
  if (!today) return undefined;
  return today.promptTokens + today.completionTokens + today.reasoningTokens;
}

export function KeyRow({ poolKey, changed }: { poolKey: PoolKey; changed: () => void }) {
  const { busy, failure, run } = useAction();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [editingLabel, setEditingLabel] = useState<string | undefined>();
  const id = encodeURIComponent(poolKey.id);

  const act = async (action: () => Promise<unknown>) => {
    if (await run(action)) changed();
    setConfirmRemove(false);
  };
  const saveLabel = (value: string) =>
    act(async () => {
      await callApi("PATCH", `/admin/keys/${id}`, { label: value.trim() || null });
      setEditingLabel(undefined);
    });
  const rests = (poolKey.cooldowns ?? []).filter(
    (cooldown) => new Date(cooldown.until).getTime() > now.value,
  );
  // Only a disabled key's reason says something the row does not: a resting key's rests are listed beside it.
  const reason = poolKey.state === "disabled" ? (poolKey.disabledReason ?? poolKey.stateReason) : undefined;

  return (
    <tr data-key-id={poolKey.id} data-state={poolKey.state}>
      <td>
        <code>{poolKey.key}</code>
        <div class="muted small nowrap">{poolKey.id}</div>
      </td>
      <td>
        {editingLabel === undefined ? (
          <button
            type="button"
            class="link"
            title={t("pool.label.edit")}
            onClick={() => setEditingLabel(poolKey.label ?? "")}
          >
            {poolKey.label ?? <span class="muted">{t("pool.label.none")}</span>}
          </button>
        ) : (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void saveLabel(editingLabel);
            }}
          >
            <input
              aria-label={t("pool.column.label")}
              value={editingLabel}
              maxLength={64}
              onInput={(event) => setEditingLabel(event.currentTarget.value)}
            />
            <button type="submit" disabled={busy}>
              {t("common.save")}
            </button>
            <button type="button" onClick={() => setEditingLabel(undefined)}>
              {t("common.cancel")}
            </button>
          </form>
        )}
      </td>
      <td>
        <StateBadge state={poolKey.state} />
        {reason && (
          <div class="muted small reason" title={reason}>
            {reason}
          </div>
        )}
      </td>
      <td>
        {rests.length === 0 ? (
          <span class="muted">{poolKey.state === "disabled" ? "–" : t("pool.servesAll")}</span>
        ) : (
          <ul class="rests">
            {rests.map((cooldown) => (
              <li key={cooldown.model} data-model={cooldown.model}>
                <span class="model">{cooldown.model === "*" ? t("pool.allModels") : cooldown.model}</span>{" "}
                <Countdown until={cooldown.until} />
                <div class="muted small reason" title={cooldown.reason}>
                  {cooldown.reason}
                </div>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td class="number">{formatNumber(poolKey.failureCount)}</td>
      <td class="last-error" title={poolKey.lastError ?? ""}>
        {poolKey.lastError ?? <span class="muted">–</span>}
      </td>
      <td class="number">{formatNumber(poolKey.today?.requests)}</td>
      <td class="number">{formatCompact(todayTokens(poolKey))}</td>
      <td class="nowrap" title={formatTime(poolKey.lastUsed)}>
        {formatAgo(poolKey.lastUsed, now.value)}
      </td>
      <td class="actions">
        {poolKey.state === "disabled" ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => callApi("POST", `/admin/keys/${id}/enable`))}
          >
            {t("action.enable")}
          </button>
        ) : (
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => callApi("POST", `/admin/keys/${id}/disable`))}
          >
            {t("action.disable")}
          </button>
        )}
        {confirmRemove ? (
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={() => act(() => callApi("DELETE", `/admin/keys/${id}`))}
          >
            {t("action.confirmRemove")}
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => setConfirmRemove(true)}>
            {t("action.remove")}
          </button>
        )}
        {failure && <div class="error small">{failure}</div>}
      </td>
    </tr>
  );
}

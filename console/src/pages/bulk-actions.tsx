/**
 * Actions on many keys at once (every key, or one label's): enable, disable, reset, remove; and the
 * keys file read again. Removing asks for a second click.
 */
import { useState } from "preact/hooks";
import { callApi, queryString } from "../api/admin-client.js";
import type { KeyPage } from "../api/types.js";
import { t } from "../i18n/language.js";

type BulkAction = "enable" | "disable" | "reset" | "remove";
const ACTIONS: BulkAction[] = ["enable", "disable", "reset", "remove"];
const PAGE_SIZE = 1000;

/**
 * Every key's id, page by page. The bulk route wants the keys named (ids or a label), so that no
 * request acts on the whole pool by leaving a field out; "all keys" is then an explicit list.
 */
async function allKeyIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: KeyPage = await callApi<KeyPage>(
      "GET",
      `/admin/keys${queryString({ limit: PAGE_SIZE, cursor })}`,
    );
    ids.push(...page.keys.map((key) => key.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export function BulkActions({ labels, changed }: { labels: string[]; changed: () => void }) {
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);
  const [armed, setArmed] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      setMessage({ text: await work(), error: false });
      changed();
    } catch (error) {
      setMessage({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(false);
      setArmed(false);
    }
  };
  const bulk = (action: BulkAction) =>
    run(async () => {
      const answer = await callApi<{ affected: number }>("POST", "/admin/keys/bulk", {
        action,
        ...(label ? { label } : { ids: await allKeyIds() }),
      });
      return t("keys.bulk.affected", { count: answer.affected });
    });
  const reload = () =>
    run(async () => {
      const answer = await callApi<{ totalKeys: number; added: number; removed: number }>(
        "POST",
        "/admin/reload-keys",
      );
      return t("keys.reload.done", answer);
    });

  return (
    <section class="panel" aria-labelledby="bulk-title">
      <h2 id="bulk-title">{t("keys.bulk.title")}</h2>
      <div class="toolbar">
        <select
          aria-label={t("keys.bulk.target")}
          value={label}
          onChange={(event) => setLabel(event.currentTarget.value)}
        >
          <option value="">{t("keys.bulk.allKeys")}</option>
          {labels.map((name) => (
            <option key={name} value={name}>
              {t("keys.check.scope.label", { label: name })}
            </option>
          ))}
        </select>
        {ACTIONS.map((action) =>
          action === "remove" && armed ? (
            <button
              key={action}
              type="button"
              class="danger"
              disabled={busy}
              onClick={() => void bulk(action)}
            >
              {t("action.confirmRemove")}
            </button>
          ) : (
            <button
              key={action}
              type="button"
              disabled={busy}
              onClick={() => (action === "remove" ? setArmed(true) : void bulk(action))}
            >
              {t(`action.${action}`)}
            </button>
          ),
        )}
      </div>
      <div class="toolbar">
        <button type="button" disabled={busy} onClick={() => void reload()}>
          {t("keys.reload")}
        </button>
        <span class="muted small">{t("keys.reload.hint")}</span>
      </div>
      {message && <p class={message.error ? "error" : "notice"}>{message.text}</p>}
    </section>
  );
}

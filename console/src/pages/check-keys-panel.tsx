/**
 * Checking keys: all of them, one label's, or those just imported, for one model; a live progress bar
 * fed by the server's stream and each key's verdict as it lands.
 */
import { useRef, useState } from "preact/hooks";
import { checkKeys } from "../api/check-keys.js";
import { CHECK_VERDICTS, type CheckDone, type CheckResult, type CheckVerdict } from "../api/types.js";
import { ProgressBar } from "../components/progress-bar.js";
import { formatNumber } from "../i18n/format.js";
import { t } from "../i18n/language.js";

export interface CheckPanelProps {
  labels: string[];
  /** Ids of the keys the last import added. */
  importedIds: string[];
}

type Scope = "all" | "imported" | `label:${string}`;
/** Rows drawn at once: a check of 5,000 keys stays responsive; the verdict buttons narrow the list. */
const ROWS_SHOWN = 1000;

export function CheckKeysPanel({ labels, importedIds }: CheckPanelProps) {
  const [scope, setScope] = useState<Scope>("all");
  const [model, setModel] = useState("gemini-2.5-flash");
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  const [results, setResults] = useState<CheckResult[]>([]);
  const [summary, setSummary] = useState<CheckDone | undefined>();
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [shown, setShown] = useState<CheckVerdict | "">("");
  const abort = useRef<AbortController | undefined>(undefined);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setFailure(undefined);
    setSummary(undefined);
    setResults([]);
    setProgress({ done: 0, total: 0 });
    const target =
      scope === "imported"
        ? { ids: importedIds }
        : scope.startsWith("label:")
          ? { label: scope.slice(6) }
          : {};
    try {
      await checkKeys(
        { ...target, ...(model.trim() ? { model: model.trim() } : {}) },
        {
          progress: (update) => {
            setProgress({ done: update.done, total: update.total });
            setResults((previous) => [...previous, update.result]);
          },
          done: (done) => {
            setSummary(done);
            setProgress((previous) => ({ done: done.total, total: Math.max(previous.total, done.total) }));
          },
        },
        controller.signal,
      );
    } catch (error) {
      if (!controller.signal.aborted) setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setRunning(false);
    }
  };

  const counts = new Map<CheckVerdict, number>();
  for (const result of results) counts.set(result.verdict, (counts.get(result.verdict) ?? 0) + 1);
  const visible = shown ? results.filter((result) => result.verdict === shown) : results;

  return (
    <section class="panel" aria-labelledby="check-title">
      <h2 id="check-title">{t("keys.check.title")}</h2>
      <div class="toolbar">
        <select
          aria-label={t("keys.check.scope")}
          value={scope}
          onChange={(event) => setScope(event.currentTarget.value as Scope)}
        >
          <option value="all">{t("keys.check.scope.all")}</option>
          {importedIds.length > 0 && (
            <option value="imported">{t("keys.check.scope.imported", { count: importedIds.length })}</option>
          )}
          {labels.map((label) => (
            <option key={label} value={`label:${label}`}>
              {t("keys.check.scope.label", { label })}
            </option>
          ))}
        </select>
        <input
          aria-label={t("keys.check.model")}
          value={model}
          onInput={(event) => setModel(event.currentTarget.value)}
        />
        {running ? (
          <button type="button" onClick={() => abort.current?.abort()}>
            {t("common.stop")}
          </button>
        ) : (
          <button type="button" class="primary" onClick={() => void start()}>
            {t("keys.check.start")}
          </button>
        )}
      </div>
      {(running || summary || results.length > 0) && (
        <ProgressBar done={progress.done} total={progress.total} label={t("keys.check.progress")} />
      )}
      {summary && (
        <p data-testid="check-summary" class="check-done">
          {t("keys.check.done", { total: formatNumber(summary.total) })}
        </p>
      )}
      {failure && <p class="error">{failure}</p>}
      {results.length > 0 && (
        <div class="verdicts" data-testid="check-verdicts">
          <button type="button" aria-pressed={shown === ""} onClick={() => setShown("")}>
            {t("keys.check.verdict.all")} {formatNumber(results.length)}
          </button>
          {CHECK_VERDICTS.filter((verdict) => counts.has(verdict)).map((verdict) => (
            <button
              key={verdict}
              type="button"
              class={`verdict verdict-${verdict}`}
              data-verdict={verdict}
              aria-pressed={shown === verdict}
              onClick={() => setShown(verdict)}
            >
              {t(`verdict.${verdict}`)} <span class="verdict-count">{formatNumber(counts.get(verdict))}</span>
            </button>
          ))}
        </div>
      )}
      {visible.length > 0 && (
        <table class="grid" data-testid="check-results">
          <thead>
            <tr>
              <th>{t("pool.column.key")}</th>
              <th>{t("pool.column.label")}</th>
              <th>{t("keys.check.column.verdict")}</th>
              <th>{t("keys.check.column.model")}</th>
              <th>{t("keys.check.column.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {visible.slice(0, ROWS_SHOWN).map((result) => (
              <tr key={result.id} data-key-id={result.id} data-verdict={result.verdict}>
                <td>
                  <code>{result.key}</code>
                </td>
                <td>{result.label ?? ""}</td>
                <td>
                  <span class={`verdict verdict-${result.verdict}`}>{t(`verdict.${result.verdict}`)}</span>
                </td>
                <td>{result.model}</td>
                <td class="last-error">{result.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {visible.length > ROWS_SHOWN && (
        <p class="muted">
          {t("keys.check.shownFirst", {
            shown: formatNumber(ROWS_SHOWN),
            count: formatNumber(visible.length),
          })}
        </p>
      )}
    </section>
  );
}

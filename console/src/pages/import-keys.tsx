/** Pasting keys: one per line, with optional `proxy=` and `label=`; the answer says what was added. */
import { useState } from "preact/hooks";
import { callApi } from "../api/admin-client.js";
import type { ImportResult } from "../api/types.js";
import { useAction } from "../components/use-action.js";
import { t } from "../i18n/language.js";

export function ImportKeys({ imported }: { imported: (result: ImportResult) => void }) {
  const [text, setText] = useState("");
  const [result, setResult] = useState<ImportResult | undefined>();
  const { busy, failure, run } = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    await run(async () => {
      const answer = await callApi<ImportResult>("POST", "/admin/keys/import", { text });
      setResult(answer);
      if (answer.malformed.length === 0) setText("");
      imported(answer);
    });
  };

  return (
    <section class="panel" aria-labelledby="import-title">
      <h2 id="import-title">{t("keys.import.title")}</h2>
      <form onSubmit={submit}>
        <textarea
          rows={8}
          spellcheck={false}
          autocomplete="off"
          aria-label={t("keys.import.title")}
          placeholder={t("keys.import.placeholder")}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy || !text.trim()}>
          {t("keys.import.submit")}
        </button>
      </form>
      {failure && <p class="error">{failure}</p>}
      {result && (
        <div class="import-result" data-testid="import-result">
          <p>
            {t("keys.import.summary", {
              added: result.added.length,
              present: result.present.length,
              malformed: result.malformed.length,
            })}
          </p>
          {result.malformed.length > 0 && (
            <ul class="error">
              {result.malformed.map((entry) => (
                <li key={entry.line}>
                  {t("keys.import.malformedLine", { line: entry.line, reason: entry.reason })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

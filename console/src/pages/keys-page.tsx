/** Keys: import pasted keys, check them with live progress, and act on many keys at once. */
import { useState } from "preact/hooks";
import { callApi, queryString } from "../api/admin-client.js";
import type { KeyPage } from "../api/types.js";
import { currentValue, useAsync } from "../components/use-async.js";
import { t } from "../i18n/language.js";
import { notePoolCounts } from "../state/pool-counts.js";
import { BulkActions } from "./bulk-actions.js";
import { CheckKeysPanel } from "./check-keys-panel.js";
import { ImportKeys } from "./import-keys.js";

export function KeysPage() {
  const [importedIds, setImportedIds] = useState<string[]>([]);
  // One key is enough to learn the labels in use (the answer lists them all).
  const [labelsState, reloadLabels] = useAsync(async () => {
    const answer = await callApi<KeyPage>("GET", `/admin/keys${queryString({ limit: 1 })}`);
    notePoolCounts(answer.counts);
    return answer;
  }, []);
  const labels = currentValue(labelsState)?.labels ?? [];

  return (
    <section class="page" aria-labelledby="keys-title">
      <h1 id="keys-title">{t("keys.title")}</h1>
      <ImportKeys
        imported={(result) => {
          setImportedIds(result.added.map((key) => key.id));
          reloadLabels();
        }}
      />
      <CheckKeysPanel labels={labels} importedIds={importedIds} />
      <BulkActions labels={labels} changed={reloadLabels} />
    </section>
  );
}

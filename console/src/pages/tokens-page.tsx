/**
 * Tokens: the named client tokens (grt_…) that share the pool, each with its models and limits, and
 * today's use against them. A new token's secret is shown here once, as the gateway answers it once.
 * The list follows the server's pushed events, as the other pages follow theirs: a token created,
 * changed, revoked or deleted anywhere (another tab, the admin API, another replica) reloads it, and so
 * does a finished request of any token (at most once a second).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { callApi } from "../api/admin-client.js";
import { onRequestEvent, onTokensEvent } from "../api/live-events.js";
import type { ClientTokenView, CreatedClientToken } from "../api/types.js";
import { useAction } from "../components/use-action.js";
import { currentValue, useAsync } from "../components/use-async.js";
import { t } from "../i18n/language.js";
import { EMPTY_DRAFT, settingsBody, type TokenDraft, TokenFields } from "./token-fields.js";
import { TOKEN_COLUMNS, TokenRow } from "./token-row.js";

const RELOAD_AT_MOST_EVERY_MS = 1000;

/** The secret of the token just created, with a copy button: the only time anyone sees it. */
function NewSecret({ created, done }: { created: CreatedClientToken; done: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | undefined>();
  const copy = async () => {
    try {
      // Only a secure context (https, or this machine) offers the clipboard; elsewhere select the text.
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(created.secret);
      setCopied("yes");
    } catch {
      field.current?.select();
      setCopied("no");
    }
  };
  return (
    <section class="panel secret" aria-labelledby="secret-title" data-testid="new-secret">
      <h2 id="secret-title">{t("tokens.secret.title", { name: created.token.name })}</h2>
      <p class="warning">{t("tokens.secret.once")}</p>
      <div class="secret-line">
        <input
          ref={field}
          type="text"
          readOnly
          spellcheck={false}
          aria-label={t("tokens.secret.label")}
          value={created.secret}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={() => void copy()}>
          {t("tokens.secret.copy")}
        </button>
        <button type="button" onClick={done}>
          {t("tokens.secret.done")}
        </button>
      </div>
      {copied === "yes" && <p class="notice">{t("tokens.secret.copied")}</p>}
      {copied === "no" && <p class="error">{t("tokens.secret.copyFailed")}</p>}
    </section>
  );
}

function CreateToken({ created }: { created: (answer: CreatedClientToken) => void }) {
  const [name, setName] = useState("");
  const [draft, setDraft] = useState<TokenDraft>(EMPTY_DRAFT);
  const { busy, failure, run } = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    await run(async () => {
      const answer = await callApi<CreatedClientToken>("POST", "/admin/tokens", {
        name: name.trim(),
        ...settingsBody(draft),
      });
      setName("");
      setDraft(EMPTY_DRAFT);
      created(answer);
    });
  };

  return (
    <section class="panel" aria-labelledby="create-token-title">
      <h2 id="create-token-title">{t("tokens.create.title")}</h2>
      <form class="token-form" onSubmit={submit}>
        <label class="field">
          {t("tokens.field.name")}
          <input
            type="text"
            required
            maxLength={64}
            spellcheck={false}
            autocomplete="off"
            placeholder={t("tokens.field.name.hint")}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </label>
        <TokenFields draft={draft} change={setDraft} showEnabled={false} />
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={busy || !name.trim()}>
            {t("tokens.create.submit")}
          </button>
        </div>
      </form>
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}

export function TokensPage() {
  const [loaded, reload] = useAsync(() => callApi<{ tokens: ClientTokenView[] }>("GET", "/admin/tokens"), []);
  const [created, setCreated] = useState<CreatedClientToken | undefined>();
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    const unsubscribe = onRequestEvent((row) => {
      if (!row.clientToken || pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = undefined;
        reload();
      }, RELOAD_AT_MOST_EVERY_MS);
    });
    // The gateway gathers token changes into one event a second already: reload at once.
    const unsubscribeTokens = onTokensEvent(() => reload());
    return () => {
      unsubscribe();
      unsubscribeTokens();
      clearTimeout(pending.current);
      pending.current = undefined;
    };
  }, []);
  const tokens = currentValue(loaded)?.tokens ?? [];

  return (
    <section class="page" aria-labelledby="tokens-title">
      <h1 id="tokens-title">{t("tokens.title")}</h1>
      <p class="muted">{t("tokens.explain")}</p>
      {created && <NewSecret created={created} done={() => setCreated(undefined)} />}
      <CreateToken
        created={(answer) => {
          setCreated(answer);
          reload();
        }}
      />
      {loaded.kind === "failed" && <p class="error">{loaded.message}</p>}
      <table class="grid" data-testid="tokens-table">
        <thead>
          <tr>
            <th>{t("tokens.column.name")}</th>
            <th>{t("tokens.column.state")}</th>
            <th>{t("tokens.column.models")}</th>
            <th class="number">{t("tokens.column.rpm")}</th>
            <th>{t("tokens.column.requestsToday")}</th>
            <th>{t("tokens.column.tokensToday")}</th>
            <th>{t("tokens.column.expires")}</th>
            <th>{t("tokens.column.source")}</th>
            <th>{t("tokens.column.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <TokenRow key={token.name} token={token} changed={reload} />
          ))}
          {loaded.kind === "ready" && tokens.length === 0 && (
            <tr>
              <td colSpan={TOKEN_COLUMNS} class="empty">
                {t("tokens.empty")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

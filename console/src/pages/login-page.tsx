/** Login with the gateway's ADMIN_TOKEN; the gateway answers with a session cookie. */
import { useState } from "preact/hooks";
import { ApiError } from "../api/admin-client.js";
import { messageOf, useAction } from "../components/use-action.js";
import { t } from "../i18n/language.js";
import { logIn } from "../state/session.js";

export function LoginPage() {
  const [token, setToken] = useState("");
  const { busy, failure, run } = useAction((error) =>
    error instanceof ApiError && error.status === 401 ? t("login.wrongToken") : messageOf(error),
  );

  const submit = async (event: Event) => {
    event.preventDefault();
    await run(() => logIn(token));
  };

  return (
    <main class="login">
      <form class="panel" onSubmit={submit}>
        <h1>{t("app.title")}</h1>
        <p class="muted">{t("login.explain")}</p>
        <label>
          {t("login.token")}
          <input
            type="password"
            name="token"
            autocomplete="current-password"
            required
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary" disabled={busy || !token}>
          {t("login.submit")}
        </button>
        {failure && (
          <p class="error" role="alert">
            {failure}
          </p>
        )}
      </form>
    </main>
  );
}

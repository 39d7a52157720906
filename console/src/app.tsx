/** The console's frame: navigation, the pool's live counts, language and theme switches, the page. */
import { formatNumber } from "./i18n/format.js";
import { chooseLanguage, LANGUAGES, language, t } from "./i18n/language.js";
import type { MessageName } from "./i18n/messages-en.js";
import { KeysPage } from "./pages/keys-page.js";
import { LogPage } from "./pages/log-page.js";
import { LoginPage } from "./pages/login-page.js";
import { PoolPage } from "./pages/pool-page.js";
import { TokensPage } from "./pages/tokens-page.js";
import { UsagePage } from "./pages/usage-page.js";
import { liveConnected, poolCounts } from "./state/pool-counts.js";
import { currentPage, PAGES, type PageName } from "./state/route.js";
import { logOut, session } from "./state/session.js";
import { type ThemeChoice, themeChoice } from "./state/theme.js";

function pageTitle(page: PageName): MessageName {
  switch (page) {
    case "pool":
      return "nav.pool";
    case "usage":
      return "nav.usage";
    case "log":
      return "nav.log";
    case "keys":
      return "nav.keys";
    case "tokens":
      return "nav.tokens";
    default: {
      const unknown: never = page;
      throw new Error(`no page ${String(unknown)}`);
    }
  }
}

function CurrentPage() {
  const page = currentPage.value;
  switch (page) {
    case "pool":
      return <PoolPage />;
    case "usage":
      return <UsagePage />;
    case "log":
      return <LogPage />;
    case "keys":
      return <KeysPage />;
    case "tokens":
      return <TokensPage />;
    default: {
      const unknown: never = page;
      throw new Error(`no page ${String(unknown)}`);
    }
  }
}

function Switches({ canLogOut }: { canLogOut: boolean }) {
  return (
    <div class="switches">
      <select
        aria-label={t("switch.language")}
        value={language.value}
        onChange={(event) => chooseLanguage(event.currentTarget.value === "zh" ? "zh" : "en")}
      >
        {LANGUAGES.map((choice) => (
          <option key={choice} value={choice}>
            {choice === "zh" ? "中文" : "English"}
          </option>
        ))}
      </select>
      <select
        aria-label={t("switch.theme")}
        value={themeChoice.value}
        onChange={(event) => {
          themeChoice.value = event.currentTarget.value as ThemeChoice;
        }}
      >
        <option value="system">{t("theme.system")}</option>
        <option value="light">{t("theme.light")}</option>
        <option value="dark">{t("theme.dark")}</option>
      </select>
      {canLogOut && (
        <button type="button" onClick={() => void logOut()}>
          {t("login.logout")}
        </button>
      )}
    </div>
  );
}

function Counts() {
  const counts = poolCounts.value;
  return (
    <div class="counts" data-testid="pool-counts" title={liveConnected.value ? t("live.on") : t("live.off")}>
      <span class={`live-dot ${liveConnected.value ? "on" : "off"}`} aria-hidden="true" />
      {counts ? (
        <>
          <span class="count available">
            {t("counts.available", { count: formatNumber(counts.available) })}
          </span>
          <span class="count active">{t("counts.active", { count: formatNumber(counts.active) })}</span>
          <span class="count cooling">{t("counts.cooling", { count: formatNumber(counts.cooling) })}</span>
          <span class="count disabled">{t("counts.disabled", { count: formatNumber(counts.disabled) })}</span>
        </>
      ) : (
        <span class="muted">{t("live.waiting")}</span>
      )}
    </div>
  );
}

export function App() {
  const current = session.value;
  if (current.kind === "loading") return <p class="centered muted">{t("common.loading")}</p>;
  if (current.kind === "error") return <p class="centered error">{current.message}</p>;
  if (!current.authenticated) {
    if (current.tokenRequired) return <LoginPage />;
    return <p class="centered error">{t("login.localOnly")}</p>;
  }
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">{t("app.title")}</span>
        <nav aria-label={t("nav.label")}>
          {PAGES.map((page) => (
            <a key={page} href={`#/${page}`} aria-current={currentPage.value === page ? "page" : undefined}>
              {t(pageTitle(page))}
            </a>
          ))}
        </nav>
        <Counts />
        <Switches canLogOut={current.tokenRequired} />
      </header>
      <main>
        <CurrentPage />
      </main>
    </div>
  );
}

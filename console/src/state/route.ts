/** The page shown, kept in the address's hash so a reload or a shared link opens the same page. */
import { signal } from "@preact/signals";

export const PAGES = ["pool", "usage", "log", "keys", "tokens"] as const;
export type PageName = (typeof PAGES)[number];

function pageFromHash(): PageName {
  const name = window.location.hash.replace(/^#\/?/, "");
  return PAGES.find((page) => page === name) ?? "pool";
}

export const currentPage = signal<PageName>(pageFromHash());

window.addEventListener("hashchange", () => {
  currentPage.value = pageFromHash();
});

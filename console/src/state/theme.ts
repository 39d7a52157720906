/** Light or dark: the system's choice until the operator picks one, remembered in this browser. */
import { effect, signal } from "@preact/signals";

export type ThemeChoice = "system" | "light" | "dark";
const STORAGE_KEY = "gemini-rotator.console.theme";

function storedChoice(): ThemeChoice {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === "light" || stored === "dark" ? stored : "system";
}

const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
export const themeChoice = signal<ThemeChoice>(storedChoice());
const systemPrefersDark = signal(systemDark.matches);
systemDark.addEventListener("change", (event) => {
  systemPrefersDark.value = event.matches;
});

/** The theme in force, for code that draws (charts) rather than styles. */
export function activeTheme(): "light" | "dark" {
  const choice = themeChoice.value;
  if (choice === "system") return systemPrefersDark.value ? "dark" : "light";
  return choice;
}

effect(() => {
  document.documentElement.dataset.theme = activeTheme();
  if (themeChoice.value === "system") localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, themeChoice.value);
});

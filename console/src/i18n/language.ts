/**
 * English or Chinese: the browser's preferred language until the operator switches, remembered in this
 * browser. `t` reads the language signal, so every text re-renders on a switch.
 */
import { effect, signal } from "@preact/signals";
import { english, type MessageName } from "./messages-en.js";
import { chinese } from "./messages-zh.js";

export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = "gemini-rotator.console.language";

function browserLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === "en" || stored === "zh") return stored;
  for (const tag of navigator.languages) {
    if (/^zh\b/i.test(tag)) return "zh";
    if (/^en\b/i.test(tag)) return "en";
  }
  return "en";
}

export const language = signal<Language>(browserLanguage());

export function chooseLanguage(choice: Language): void {
  language.value = choice;
  localStorage.setItem(STORAGE_KEY, choice);
}

effect(() => {
  document.documentElement.lang = language.value === "zh" ? "zh-CN" : "en";
  document.title = t("app.title");
});

/** The message in the current language, with `{name}` placeholders filled in. */
export function t(name: MessageName, values: Record<string, string | number> = {}): string {
  // A name built from a server's value (a verdict a newer server invented) may have no text: show the name.
  const template: string | undefined = (language.value === "zh" ? chinese : english)[name];
  if (template === undefined) return name;
  return template.replace(/\{(\w+)\}/g, (whole, placeholder: string) =>
    placeholder in values ? String(values[placeholder]) : whole,
  );
}

/** The locale tag for Intl formatting of numbers and times. */
export function locale(): string {
  return language.value === "zh" ? "zh-CN" : "en-US";
}

import { createI18n, type I18n } from 'vue-i18n';
import zhCore from '../locales/zh-CN/core.json';
import enCore from '../locales/en-US/core.json';

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type AppLocale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';
export const LOCALE_STORAGE_KEY = 'zt.locale';

type Tree = { [key: string]: string | Tree };
export type LocaleMessages = Record<AppLocale, Tree>;

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Turns `import.meta.glob('./locales/*\/*.json', { eager: true, import: 'default' })` into `{ locale: { ns: messages } }`. */
export function messagesFromGlob(modules: Record<string, unknown>): LocaleMessages {
  const out: LocaleMessages = { 'zh-CN': {}, 'en-US': {} };
  for (const [file, content] of Object.entries(modules)) {
    const match = /([\w-]+)\/([\w-]+)\.json$/.exec(file);
    if (!match) continue;
    const [, locale, ns] = match;
    if (!isAppLocale(locale) || !ns) continue;
    out[locale][ns] = ((content as { default?: Tree }).default ?? content) as Tree;
  }
  return out;
}

/** Dotted key paths of a message tree, sorted; used to prove both languages carry the same keys. */
export function keyPaths(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree)
    .flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keyPaths(v, `${prefix}${k}.`)))
    .sort();
}

/** Keys present in one language but missing from the other. */
export function localeKeyDiff(messages: LocaleMessages): { missingInEn: string[]; missingInZh: string[] } {
  const zh = new Set(keyPaths(messages['zh-CN']));
  const en = new Set(keyPaths(messages['en-US']));
  return {
    missingInEn: [...zh].filter((k) => !en.has(k)),
    missingInZh: [...en].filter((k) => !zh.has(k)),
  };
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function storedLocale(): AppLocale {
  const value = storage()?.getItem(LOCALE_STORAGE_KEY);
  return isAppLocale(value) ? value : DEFAULT_LOCALE;
}

/** Persists the choice and updates `<html lang>` so assistive technology reads the right language. */
export function applyLocale(locale: AppLocale): void {
  storage()?.setItem(LOCALE_STORAGE_KEY, locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale === 'zh-CN' ? 'zh-CN' : 'en';
}

export const coreMessages: LocaleMessages = { 'zh-CN': { core: zhCore }, 'en-US': { core: enCore } };

/** The app's vue-i18n instance: zh-CN source and fallback, persisted choice, shared `core.*` messages merged in. */
export function createAppI18n(
  messages: LocaleMessages,
): I18n<Record<string, never>, Record<string, never>, Record<string, never>, AppLocale, false> {
  const locale = storedLocale();
  applyLocale(locale);
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages: {
      'zh-CN': { ...coreMessages['zh-CN'], ...messages['zh-CN'] },
      'en-US': { ...coreMessages['en-US'], ...messages['en-US'] },
    },
  }) as never;
}

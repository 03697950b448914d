import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { applyLocale, type AppLocale } from './locale.ts';

/** The current UI language and a persisted switch between zh-CN and en-US. */
export function useLocale() {
  const { locale } = useI18n({ useScope: 'global' });
  const current = computed(() => locale.value as AppLocale);
  function setLocale(next: AppLocale) {
    locale.value = next;
    applyLocale(next);
  }
  function toggle() {
    setLocale(current.value === 'zh-CN' ? 'en-US' : 'zh-CN');
  }
  return { locale: current, setLocale, toggle };
}

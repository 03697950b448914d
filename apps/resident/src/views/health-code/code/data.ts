import { formatDateTime, type HealthCode, type HealthExplanation } from '@zhengtong/web-core';

/** The explanation's texts in the UI language (the server sends both). */
export function explanationText(e: HealthExplanation, locale: string) {
  const key = locale.startsWith('zh') ? 'zh-CN' : 'en';
  return { reason: e.reason[key], advice: e.advice[key] };
}

/** "When can it turn green", in words. */
export function greenAtText(
  code: Pick<HealthCode, 'colour' | 'explanation'>,
  t: (k: string, v?: Record<string, unknown>) => string,
  locale: string,
) {
  if (code.colour === 'green') return t('health.code.alreadyGreen');
  if (!code.explanation.greenAt) return t('health.code.noAutoGreen');
  return t('health.code.greenAt', { at: formatDateTime(code.explanation.greenAt, locale) });
}

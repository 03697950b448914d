export { ApiError, NETWORK_ERROR_CODE, toApiError, type FieldProblem } from './api/api-error.ts';
export { createApi, unwrap, type Api, type ApiOptions } from './api/client.ts';
export { errorText, fieldErrors } from './api/error-text.ts';
export { retryDelayMs } from './api/retry.ts';
export type * from './api/types.ts';
export {
  LOCALES,
  DEFAULT_LOCALE,
  LOCALE_STORAGE_KEY,
  applyLocale,
  createAppI18n,
  isAppLocale,
  keyPaths,
  localeKeyDiff,
  messagesFromGlob,
  storedLocale,
  type AppLocale,
  type LocaleMessages,
} from './i18n/locale.ts';
export { useLocale } from './i18n/use-locale.ts';
export { defineAuthStore, type AuthStore, type AuthStoreOptions } from './auth/auth-store.ts';
export { installAuthGuard, syncDocumentTitle } from './auth/guard.ts';
export { createAppRouter, type AppRouterOptions } from './router/app-router.ts';
export {
  MOBILE_PATTERN,
  SMS_CODE_PATTERN,
  isMainlandMobile,
  redirectTarget,
  useSmsSignIn,
  type SmsSignInOptions,
} from './auth/use-sms-sign-in.ts';
export { canAccess, filterNav, type NavItem, type Principal, type Requirement } from './nav/access.ts';
export { useCountdown } from './composables/use-countdown.ts';
export { useCursorList, type CursorPage } from './composables/use-cursor-list.ts';
export { usePersistedRef } from './composables/use-persisted-ref.ts';
export { daysBetween, formatDateTime, formatSlot, isCalendarDate, shanghaiToday } from './format/date-time.ts';
export {
  MAX_CARRIAGE,
  coTravelParams,
  normaliseTravelNumber,
  type CoTravelErrors,
  type CoTravelForm,
  type CoTravelParams,
} from './contact-tracing/co-travel.ts';

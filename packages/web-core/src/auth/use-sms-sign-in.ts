import { computed, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';
import { unwrap, type Api } from '../api/client.ts';
import { errorText, fieldErrors } from '../api/error-text.ts';
import type { Session } from '../api/types.ts';
import { useCountdown } from '../composables/use-countdown.ts';

/** Mainland China mobile number: 11 digits starting 13–19. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
/** The six-digit SMS code. */
export const SMS_CODE_PATTERN = /^\d{6}$/;

export function isMainlandMobile(value: string): boolean {
  return MOBILE_PATTERN.test(value.trim());
}

/** The `redirect` query when it is a same-app path, else `fallback`. */
export function redirectTarget(query: LocationQuery, fallback: string): string {
  const redirect = query.redirect;
  return typeof redirect === 'string' && redirect.startsWith('/') ? redirect : fallback;
}

export interface SmsSignInOptions {
  /** Receives the new session (the app's auth store). */
  auth: { setSession: (session: Session) => void };
  /** Where to go after signing in when the URL carries no `redirect`. */
  redirectTo: string;
  /** Also show the server's field-level problems (e.g. a wrong code) under the fields; default true. */
  serverFieldErrors?: boolean;
}

/**
 * Resident sign-in by SMS code: phone and code checks, sending the code with a resend countdown, the
 * dev-inbox switch, signing in and redirecting. Messages come from the app's `login` namespace
 * (`login.errors.phone`, `login.errors.code`, `login.codeSent`); the markup stays with each app.
 */
export function useSmsSignIn(api: Api, options: SmsSignInOptions) {
  const { t } = useI18n();
  const router = useRouter();
  const route = useRoute();
  const countdown = useCountdown();

  const phone = ref('');
  const code = ref('');
  const errors = ref<{ phone?: string; code?: string }>({});
  const formError = ref('');
  const notice = ref('');
  const sending = ref(false);
  const signingIn = ref(false);
  const busy = computed(() => sending.value || signingIn.value);
  const devInbox = ref(false);

  onMounted(async () => {
    try {
      devInbox.value = (await unwrap(api.client.GET('/api/v1/identity/sms/config'))).devInbox;
    } catch {
      devInbox.value = false;
    }
  });

  function checkPhone(): boolean {
    errors.value = { ...errors.value, phone: isMainlandMobile(phone.value) ? undefined : t('login.errors.phone') };
    return !errors.value.phone;
  }

  function fail(err: unknown) {
    formError.value = errorText(err, t);
    if (options.serverFieldErrors ?? true) errors.value = { ...errors.value, ...fieldErrors(err) };
  }

  async function sendCode() {
    formError.value = '';
    notice.value = '';
    if (!checkPhone()) return;
    sending.value = true;
    try {
      const sent = await unwrap(api.client.POST('/api/v1/identity/sms-codes', { body: { phone: phone.value.trim() } }));
      countdown.start(sent.resendAfterSeconds);
      notice.value = t('login.codeSent', { phone: sent.sentTo });
    } catch (err) {
      fail(err);
    } finally {
      sending.value = false;
    }
  }

  async function signIn() {
    formError.value = '';
    const phoneOk = checkPhone();
    const codeOk = SMS_CODE_PATTERN.test(code.value.trim());
    errors.value = { ...errors.value, code: codeOk ? undefined : t('login.errors.code') };
    if (!phoneOk || !codeOk) return;
    signingIn.value = true;
    try {
      const session = await unwrap(
        api.client.POST('/api/v1/identity/resident-sessions', {
          body: { phone: phone.value.trim(), code: code.value.trim() },
        }),
      );
      options.auth.setSession(session);
      await router.replace(redirectTarget(route.query, options.redirectTo));
    } catch (err) {
      fail(err);
    } finally {
      signingIn.value = false;
    }
  }

  return { phone, code, errors, formError, notice, sending, signingIn, busy, devInbox, countdown, sendCode, signIn };
}

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError } from '../api/api-error.ts';
import { unwrap, type Api } from '../api/client.ts';
import type { Session, SessionUser } from '../api/types.ts';
import { canAccess, type Requirement } from '../nav/access.ts';

export interface AuthStoreOptions {
  /** Which signed-in users this app serves (e.g. residents only); others are treated as signed out. */
  accepts?: (user: SessionUser) => boolean;
}

/** A Pinia setup store for the signed-in user of one app: me, roles, permissions, sign-out. */
export function defineAuthStore(api: Api, options: AuthStoreOptions = {}) {
  return defineStore('auth', () => {
    const session = ref<Session | null>(null);
    const loaded = ref(false);
    const user = computed<SessionUser | null>(() => {
      const u = session.value?.user ?? null;
      return u && (options.accepts?.(u) ?? true) ? u : null;
    });
    const roles = computed(() => user.value?.roles ?? []);
    const permissions = computed(() => user.value?.permissions ?? []);
    const signedIn = computed(() => user.value !== null);

    function setSession(next: Session | null) {
      session.value = next;
      api.setCsrfToken(next?.csrfToken ?? null);
      loaded.value = true;
    }

    /** Reloads the session from the server; a 401 or network failure leaves the app signed out. */
    async function fetchMe() {
      try {
        setSession(await unwrap(api.client.GET('/api/v1/identity/me')));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        setSession(null);
      }
    }

    async function ensureLoaded() {
      if (!loaded.value) await fetchMe();
    }

    const hasRole = (...wanted: string[]) => wanted.some((r) => (roles.value as string[]).includes(r));
    const hasPermission = (p: string) => (permissions.value as string[]).includes(p);
    const can = (req: Requirement | undefined) => canAccess(req, user.value);

    /** Ends the server session; the local state is cleared even when the server is unreachable. */
    async function signOut() {
      try {
        if (session.value) await unwrap(api.client.DELETE('/api/v1/identity/sessions/current'));
      } catch {
        // Signed out locally either way; a stale cookie expires on the server.
      } finally {
        setSession(null);
      }
    }

    return {
      session,
      loaded,
      user,
      roles,
      permissions,
      signedIn,
      setSession,
      fetchMe,
      ensureLoaded,
      hasRole,
      hasPermission,
      can,
      signOut,
    };
  });
}

export type AuthStore = ReturnType<ReturnType<typeof defineAuthStore>>;

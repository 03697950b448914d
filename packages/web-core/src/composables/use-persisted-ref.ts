import { ref, watch, type Ref } from 'vue';

/** A ref mirrored to localStorage as JSON under `key`; falls back to `initial` when absent or unreadable. */
export function usePersistedRef<T>(key: string, initial: T): Ref<T> {
  let start = initial;
  try {
    const raw = localStorage.getItem(key);
    if (raw !== null) start = JSON.parse(raw) as T;
  } catch {
    start = initial;
  }
  const value = ref(start) as Ref<T>;
  watch(value, (v) => {
    try {
      localStorage.setItem(key, JSON.stringify(v));
    } catch {
      // Private mode or full storage: the choice lasts for this visit only.
    }
  });
  return value;
}

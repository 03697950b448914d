import { ref, type Ref } from 'vue';
import { errorText } from '../api/error-text.ts';

/** One page of a cursor-paginated list (`?limit=&cursor=` → `{ items, nextCursor }`). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A cursor-paginated list: `load()` replaces the items with the first page, `load(true)` appends the next
 * one; a failure leaves the items as they were and shows the error text.
 */
export function useCursorList<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  t: (key: string) => string,
) {
  const items = ref([]) as Ref<T[]>;
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref('');

  async function load(more = false) {
    loading.value = true;
    error.value = '';
    try {
      const page = await fetchPage(more && nextCursor.value ? nextCursor.value : undefined);
      items.value = more ? [...items.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor;
    } catch (err) {
      error.value = errorText(err, t);
    } finally {
      loading.value = false;
    }
  }

  return { items, nextCursor, loading, error, load };
}

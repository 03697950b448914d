import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api-error.ts';
import { useCursorList } from './use-cursor-list.ts';

describe('useCursorList', () => {
  it('loads the first page, appends the next with its cursor, and keeps items on failure', async () => {
    const fetchPage = vi
      .fn()
      .mockResolvedValueOnce({ items: [1, 2], nextCursor: 'c2' })
      .mockResolvedValueOnce({ items: [3], nextCursor: null })
      .mockRejectedValueOnce(new Error('boom'))
      .mockResolvedValueOnce({ items: [9], nextCursor: null });
    const list = useCursorList<number>(fetchPage, (k) => k);

    await list.load();
    expect(fetchPage).toHaveBeenLastCalledWith(undefined);
    expect(list.items.value).toEqual([1, 2]);
    expect(list.nextCursor.value).toBe('c2');

    await list.load(true);
    expect(fetchPage).toHaveBeenLastCalledWith('c2');
    expect(list.items.value).toEqual([1, 2, 3]);
    expect(list.nextCursor.value).toBeNull();

    await list.load();
    expect(list.error.value).toBe('core.errors.unknown');
    expect(list.items.value).toEqual([1, 2, 3]);
    expect(list.loading.value).toBe(false);

    await list.load();
    expect(list.error.value).toBe('');
    expect(list.items.value).toEqual([9]);
  });

  it('shows the server message of an API error', async () => {
    const err = new ApiError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'no', errors: [] });
    const list = useCursorList<number>(
      () => Promise.reject(err),
      (k) => k,
    );
    await list.load();
    expect(list.error.value).toBe('no');
  });
});

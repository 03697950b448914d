import { describe, expect, it } from 'vitest';
import { batchedLookup } from './batch.ts';

const A = '0190b2c4-0000-7000-8000-000000000001';
const B = '0190b2c4-0000-7000-8000-000000000002';

describe('batched lookups', () => {
  it('answers the lookups of one turn of the event loop with one query, each its own row', async () => {
    const queries: (readonly string[])[] = [];
    const find = batchedLookup(
      async (ids) => {
        queries.push(ids);
        return ids.filter((id) => id !== B).map((id) => ({ id, name: `n-${id.slice(-1)}` }));
      },
      (r) => r.id,
      { uuids: true },
    );
    // Requests arriving together; one asks for an id that is no UUID (it must not fail the others).
    const answers = await Promise.all([find(A), find(B), find('not-a-uuid'), find(A)]);
    expect(answers).toEqual([{ id: A, name: 'n-1' }, undefined, undefined, { id: A, name: 'n-1' }]);
    expect(queries).toEqual([[A, B, A]]);
    // Nothing is remembered: the next turn asks again.
    await find(A);
    expect(queries).toHaveLength(2);
  });

  it('fails every lookup of a batch whose query fails, and the next batch tries again', async () => {
    let down = true;
    const find = batchedLookup(
      async (keys) => {
        if (down) throw new Error('database unavailable');
        return keys.map((k) => ({ k }));
      },
      (r) => r.k,
    );
    const failed = await Promise.allSettled([find('x'), find('y')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    down = false;
    expect(await find('x')).toEqual({ k: 'x' });
  });
});

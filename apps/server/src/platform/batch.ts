import DataLoader from 'dataloader';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A lookup by key whose calls made in one turn of the event loop (the requests a surge brings in
 * together) go to the database as one query: a thousand people's first requests are a few queries,
 * not a thousand. Nothing is remembered between turns, so no answer is staler than the query.
 */
export function batchedLookup<K extends string, V>(
  load: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
  options: { uuids?: boolean } = {},
): (key: K) => Promise<V | undefined> {
  const loader = new DataLoader<K, V | undefined>(
    async (keys) => {
      // A malformed id would fail the whole batch's cast: it is simply not found.
      const wanted = options.uuids ? keys.filter((k) => UUID.test(k)) : keys;
      const rows = wanted.length ? await load(wanted) : [];
      const byKey = new Map(rows.map((r) => [keyOf(r), r]));
      return keys.map((k) => byKey.get(k));
    },
    { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setImmediate(run) },
  );
  return (key) => loader.load(key);
}

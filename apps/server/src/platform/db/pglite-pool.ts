import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

export type SqlExecutor = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

/**
 * Presents one embedded PGlite instance as a pg-style pool for Kysely's PostgresDialect.
 * PGlite has a single connection, so a client is lent to one holder at a time: a transaction
 * must not interleave with another request's statements.
 */
export function pglitePool(db: PGlite): PostgresPool & { executeSql: SqlExecutor } {
  let tail: Promise<void> = Promise.resolve();
  const client: PostgresPoolClient = {
    query: (async (sql: string, params: readonly unknown[]) => {
      const result = await db.query(sql, params as unknown[], { rowMode: 'object' });
      return { command: commandOf(sql), rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
    }) as PostgresPoolClient['query'],
    release: () => {},
  };
  const connect = async () => {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => turn);
    await previous;
    return { ...client, release: () => release() };
  };
  return {
    connect,
    // For libraries that bring their own SQL (the job queue): same turn-taking, and scripts of
    // several statements run through exec, which the extended protocol cannot carry.
    executeSql: async (text, values) => {
      const lease = await connect();
      try {
        if (values?.length) return await db.query(text, values, { rowMode: 'object' });
        const results = await db.exec(text);
        return results[results.length - 1] ?? { rows: [] };
      } finally {
        lease.release();
      }
    },
    end: async () => {
      await tail;
      await db.close();
    },
  };
}

function commandOf(sql: string): 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE' {
  const word = sql.trimStart().slice(0, 6).toUpperCase();
  return (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].find((c) => word.startsWith(c)) ?? 'SELECT') as 'SELECT';
}

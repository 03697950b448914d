import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.ts';
import { CopyRows, type Database } from './index.ts';

describe('bulk transactions with COPY', () => {
  let t: TestApp;
  let database: Database;
  beforeAll(async () => {
    t = await buildTestApp({ residents: 0 });
    database = t.zt.platform.database;
    await sql`create table bulk_test (id serial primary key, label text, n integer, day date, flag boolean)`.execute(
      database.db,
    );
  });
  afterAll(async () => t?.close());
  const all = async () =>
    (
      await sql<{ label: string | null; n: number | null; day: string | null; flag: boolean | null }>`
      select label, n, day, flag from bulk_test order by id`.execute(database.db)
    ).rows;

  it('writes every value as given: the characters COPY escapes, \\N as text, null, empty, CJK', async () => {
    const tricky = ['tab\there', 'line\nbreak', 'cr\rlf\r\n', 'back\\slash', '\\N', '', '张*三', 'quote"\'', ',;'];
    const rows = new CopyRows(['label', 'n', 'day', 'flag'], 16); // tiny, so the buffer grows along the way
    tricky.forEach((label, i) => rows.add({ label, n: i, day: '2026-11-30', flag: i % 2 === 0 }));
    rows.add({ label: null, n: null, day: null });
    await database.bulkTransaction(({ copyInto }) => copyInto('bulk_test', rows));
    expect(await all()).toEqual([
      ...tricky.map((label, i) => ({ label, n: i, day: '2026-11-30', flag: i % 2 === 0 })),
      { label: null, n: null, day: null, flag: null },
    ]);
  });

  it('copies rows encoded elsewhere and handed over as bytes, as a worker thread sends them', async () => {
    await sql`truncate bulk_test`.execute(database.db);
    const there = new CopyRows(['label', 'n']);
    there.add({ label: 'from a worker', n: 7 });
    there.add({ label: 'tab\there', n: null });
    const bytes = structuredClone(there.bytes());
    await database.bulkTransaction(({ copyInto }) => copyInto('bulk_test', CopyRows.encoded(there.columns, bytes, 2)));
    expect((await all()).map((r) => [r.label, r.n])).toEqual([
      ['from a worker', 7],
      ['tab\there', null],
    ]);
  });

  it('shares one transaction between Kysely and COPY, and undoes both when it throws', async () => {
    await sql`truncate bulk_test`.execute(database.db);
    const rows = new CopyRows(['label']);
    rows.add({ label: 'copied' });
    const seen = await database.bulkTransaction(async ({ db, copyInto }) => {
      await sql`insert into bulk_test (label) values ('inserted')`.execute(db);
      await copyInto('bulk_test', rows);
      return (await sql<{ n: number }>`select count(*)::int as n from bulk_test`.execute(db)).rows[0]!.n;
    });
    expect(seen).toBe(2);
    await expect(
      database.bulkTransaction(async ({ db, copyInto }) => {
        await copyInto('bulk_test', rows);
        await sql`insert into bulk_test (label) values ('inserted')`.execute(db);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // A COPY the database refuses (text in an integer column) fails the transaction too.
    const bad = new CopyRows(['label', 'n']);
    bad.add({ label: 'fine', n: 1 });
    bad.add({ label: 'bad', n: 'not a number' });
    await expect(database.bulkTransaction(({ copyInto }) => copyInto('bulk_test', bad))).rejects.toThrow();
    expect((await all()).map((r) => r.label)).toEqual(['inserted', 'copied']);
    // The connection went back to the pool in a usable state.
    expect((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows).toEqual([{ one: 1 }]);
  });
});

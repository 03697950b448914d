import { sql, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { RegionsTable, RegionsTables } from './regions.tables.ts';

export type RegionRow = RegionsTable & { has_children: boolean };

export class RegionsRepository {
  private readonly db: Kysely<RegionsTables>;
  constructor(db: Db) {
    this.db = db as Kysely<RegionsTables>;
  }

  private selectWithChildren() {
    return this.db
      .selectFrom('regions as r')
      .selectAll('r')
      .select(sql<boolean>`exists (select 1 from regions c where c.parent_code = r.code)`.as('has_children'));
  }

  async list(q: {
    parent?: string;
    search?: string;
    level?: string;
    limit: number;
    after?: string;
  }): Promise<RegionRow[]> {
    let query = this.selectWithChildren().orderBy('r.code').limit(q.limit);
    if (q.parent) query = query.where('r.parent_code', '=', q.parent);
    if (q.search) {
      const s = q.search;
      query = /^\d+$/.test(s)
        ? query.where('r.code', 'like', `${s}%`)
        : query.where('r.name', 'like', `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    }
    if (q.level) query = query.where('r.level', '=', q.level as RegionsTable['level']);
    if (!q.parent && !q.search && !q.level) query = query.where('r.parent_code', 'is', null);
    if (q.after) query = query.where('r.code', '>', q.after);
    return query.execute();
  }

  async get(code: string): Promise<RegionRow | undefined> {
    return this.selectWithChildren().where('r.code', '=', code).executeTakeFirst();
  }

  async getMany(codes: string[]): Promise<RegionsTable[]> {
    if (codes.length === 0) return [];
    return this.db.selectFrom('regions').selectAll().where('code', 'in', codes).execute();
  }

  async countReference(): Promise<number> {
    const row = await this.db
      .selectFrom('regions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('synthetic', '=', false)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /** Inserts in parent-first order; existing codes are kept as they are. */
  async insertMany(rows: RegionsTable[], chunk = 2000): Promise<void> {
    for (let i = 0; i < rows.length; i += chunk) {
      await this.db
        .insertInto('regions')
        .values(rows.slice(i, i + chunk))
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
  }
}

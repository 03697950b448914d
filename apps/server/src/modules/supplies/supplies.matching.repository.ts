import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Trx } from './supplies.repository.ts';
import type { MatchRow, PostingRow, SupplyMatchesTable, SupplyPostingsTable } from './supplies.tables.ts';

export interface PostingFilter {
  /** Region prefix the reader may see; '' for everywhere. */
  within?: string;
  /** Only postings of this account. */
  ownerId?: string;
  side?: PostingRow['side'];
  kind?: PostingRow['kind'];
  status?: PostingRow['status'];
  regionCode?: string;
  q?: string;
  limit: number;
  /** Id of the last posting of the previous page (newest first). */
  before?: string;
}

/** All SQL of 供需对接: postings and the matches between them. */
export class MatchingRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  async insertPosting(row: Insertable<SupplyPostingsTable>, trx: Trx): Promise<void> {
    await trx.insertInto('supply_postings').values(row).execute();
  }
  async updatePosting(id: string, change: Updateable<SupplyPostingsTable>, trx: Trx): Promise<void> {
    await trx
      .updateTable('supply_postings')
      .set({ ...change, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }
  posting(id: string, trx: Trx = this.db) {
    return trx.selectFrom('supply_postings').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** The posting, locked until the end of the transaction. */
  lockPosting(id: string, trx: Trx) {
    return trx.selectFrom('supply_postings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }
  postingsByIds(ids: string[], trx: Trx = this.db) {
    if (!ids.length) return Promise.resolve([] as PostingRow[]);
    return trx
      .selectFrom('supply_postings')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  postings(f: PostingFilter) {
    let q = this.db.selectFrom('supply_postings').selectAll().orderBy('id', 'desc').limit(f.limit);
    if (f.within) q = q.where('region_code', 'like', `${f.within}%`);
    if (f.ownerId) q = q.where('owner_id', '=', f.ownerId);
    if (f.side) q = q.where('side', '=', f.side);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.regionCode) q = q.where('region_code', 'like', `${f.regionCode}%`);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([
          eb('organisation', 'like', like),
          eb('product', 'like', like),
          eb('item_id', 'in', eb.selectFrom('supply_items').select('id').where('name_zh', 'like', like)),
        ]),
      );
    }
    if (f.before) q = q.where('id', '<', f.before);
    return q.execute();
  }
  /** Open postings of the other side in the same province that are not over by `today`. */
  candidates(side: PostingRow['side'], province: string, today: string, trx: Trx) {
    return trx
      .selectFrom('supply_postings')
      .selectAll()
      .where('side', '=', side)
      .where('status', '=', 'open')
      .where('open_quantity', '>', 0)
      .where('available_until', '>=', today)
      .where('region_code', 'like', `${province}%`)
      .orderBy('id')
      .limit(1000)
      .execute();
  }
  /** Open postings whose last day is before `today` become expired; answers their ids. */
  async expirePostings(today: string, trx: Trx): Promise<string[]> {
    const rows = await trx
      .updateTable('supply_postings')
      .set({ status: 'expired', updated_at: new Date() })
      .where('status', '=', 'open')
      .where('available_until', '<', today)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
  /** Takes units off what a posting has open; null when less than that is open. */
  async takeOpen(id: string, quantity: number, trx: Trx): Promise<number | null> {
    const row = await trx
      .updateTable('supply_postings')
      .set((eb) => ({
        open_quantity: eb('open_quantity', '-', quantity),
        status: sql`case when open_quantity - ${quantity} = 0 then 'matched' else status end`,
        updated_at: new Date(),
      }))
      .where('id', '=', id)
      .where('open_quantity', '>=', quantity)
      .returning('open_quantity')
      .executeTakeFirst();
    return row ? row.open_quantity : null;
  }

  // ---------- matches ----------

  match(id: string, trx: Trx = this.db) {
    return trx.selectFrom('supply_matches').selectAll().where('id', '=', id).executeTakeFirst();
  }
  lockMatch(id: string, trx: Trx) {
    return trx.selectFrom('supply_matches').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }
  /** Matches of any of the postings, newest first. */
  matchesOf(
    postingIds: string[],
    q: { status?: MatchRow['status']; limit: number; before?: string },
    trx: Trx = this.db,
  ) {
    if (!postingIds.length) return Promise.resolve([] as MatchRow[]);
    let query = trx
      .selectFrom('supply_matches')
      .selectAll()
      .where(sql<boolean>`(offer_id = any(${postingIds}::uuid[]) or need_id = any(${postingIds}::uuid[]))`)
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
  /** Matches of postings in a region (either side there), newest first. */
  matchesWithin(within: string, q: { status?: MatchRow['status']; limit: number; before?: string }) {
    let query = this.db
      .selectFrom('supply_matches')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb(
            'offer_id',
            'in',
            eb.selectFrom('supply_postings').select('id').where('region_code', 'like', `${within}%`),
          ),
          eb('need_id', 'in', eb.selectFrom('supply_postings').select('id').where('region_code', 'like', `${within}%`)),
        ]),
      )
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
  /** Proposed and confirmed match counts per posting. */
  async matchCounts(postingIds: string[]) {
    if (!postingIds.length) return new Map<string, { proposed: number; confirmed: number }>();
    const rows = await sql<{ posting_id: string; status: string; n: number }>`
      select p.id as posting_id, m.status, count(*)::int as n
      from supply_postings p join supply_matches m on m.offer_id = p.id or m.need_id = p.id
      where p.id = any(${postingIds}::uuid[]) and m.status in ('proposed','confirmed')
      group by p.id, m.status`.execute(this.db);
    const out = new Map<string, { proposed: number; confirmed: number }>();
    for (const r of rows.rows) {
      const c = out.get(r.posting_id) ?? { proposed: 0, confirmed: 0 };
      c[r.status as 'proposed' | 'confirmed'] = r.n;
      out.set(r.posting_id, c);
    }
    return out;
  }
  /**
   * Inserts a proposal, or refreshes one of the same pair that is proposed or withdrawn (a declined or
   * confirmed pair stays as it is). A changed quantity, or a withdrawn pair proposed again, needs both
   * sides' consent anew.
   */
  async upsertProposal(
    row: Pick<SupplyMatchesTable, 'id' | 'offer_id' | 'need_id' | 'score' | 'reasons' | 'quantity'>,
    trx: Trx,
  ): Promise<void> {
    const reasons = JSON.stringify(row.reasons) as never;
    const fresh = sql<boolean>`(supply_matches.status = 'withdrawn' or supply_matches.quantity <> ${row.quantity})`;
    await trx
      .insertInto('supply_matches')
      .values({ ...row, status: 'proposed', reasons })
      .onConflict((oc) =>
        oc
          .columns(['offer_id', 'need_id'])
          .doUpdateSet({
            score: row.score,
            reasons,
            quantity: row.quantity,
            status: 'proposed',
            offer_accepted_at: sql`case when ${fresh} then null else supply_matches.offer_accepted_at end`,
            need_accepted_at: sql`case when ${fresh} then null else supply_matches.need_accepted_at end`,
            updated_at: new Date(),
          })
          .where('supply_matches.status', 'in', ['proposed', 'withdrawn']),
      )
      .execute();
  }
  /** Withdraws the proposals of a posting, except with the given counterparts. */
  async withdrawProposals(postingId: string, keep: string[], trx: Trx): Promise<void> {
    let q = trx
      .updateTable('supply_matches')
      .set({ status: 'withdrawn', updated_at: new Date() })
      .where('status', '=', 'proposed')
      .where((eb) => eb.or([eb('offer_id', '=', postingId), eb('need_id', '=', postingId)]));
    if (keep.length) q = q.where(sql<boolean>`not (offer_id = any(${keep}::uuid[]) or need_id = any(${keep}::uuid[]))`);
    await q.execute();
  }
  async updateMatch(id: string, change: Updateable<SupplyMatchesTable>, trx: Trx): Promise<void> {
    await trx
      .updateTable('supply_matches')
      .set({ ...change, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }
  /** Items by id with their substitutes, for matching. */
  items(ids: string[], trx: Trx = this.db) {
    if (!ids.length) return Promise.resolve([]);
    return trx
      .selectFrom('supply_items')
      .select(['id', 'code', 'name_zh', 'name_en', 'unit', 'substitute_ids', 'pack_unit', 'pack_size'])
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  publicPostings(limit: number) {
    return this.db
      .selectFrom('supply_postings')
      .selectAll()
      .where('status', '=', 'open')
      .where('open_quantity', '>', 0)
      .where((eb) => eb.or([eb('kind', '=', 'produce'), eb('kind', '=', 'need')]))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}

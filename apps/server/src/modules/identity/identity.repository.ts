import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  ApiTokensTable,
  IdentityTables,
  ResidentAccountRow,
  ResidentAccountsTable,
  ResidentsTable,
  SessionsTable,
  StaffAccountsTable,
} from './identity.tables.ts';

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

export class IdentityRepository {
  readonly db: Kysely<IdentityTables>;
  constructor(db: Db) {
    this.db = db as Kysely<IdentityTables>;
  }

  // residents
  async insertResidents(rows: Insertable<ResidentsTable>[], trx: Kysely<IdentityTables> = this.db): Promise<void> {
    if (rows.length) await trx.insertInto('residents').values(rows).execute();
  }
  residentById(id: string) {
    return this.db.selectFrom('residents').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** What other modules need to know of residents (who, where, the masked name): no encrypted columns. */
  residentRefsByIds(ids: readonly string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db
      .selectFrom('residents')
      .select(['id', 'region_code', 'name_masked'])
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  residentsByIds(ids: readonly string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db
      .selectFrom('residents')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  residentsByIdNumberIndexes(bidxs: string[]) {
    if (!bidxs.length) return Promise.resolve([]);
    return this.db
      .selectFrom('residents')
      .selectAll()
      .where(sql<boolean>`id_number_bidx = any(${bidxs}::text[])`)
      .execute();
  }
  residentByIdNumberIndex(bidx: string) {
    return this.db.selectFrom('residents').selectAll().where('id_number_bidx', '=', bidx).executeTakeFirst();
  }
  residentHoldingPhone(bidx: string) {
    return this.db
      .selectFrom('residents')
      .selectAll()
      .where('phone_bidx', '=', bidx)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }
  listResidents(q: { withinRegion: string; limit: number; after?: string }) {
    let query = this.db
      .selectFrom('residents')
      .selectAll()
      .where('region_code', 'like', `${q.withinRegion}%`)
      .orderBy('id')
      .limit(q.limit);
    if (q.after) query = query.where('id', '>', q.after);
    return query.execute();
  }
  async residentIdsAfter(after: string | null, limit: number): Promise<string[]> {
    let q = this.db.selectFrom('residents').select('id').orderBy('id').limit(limit);
    if (after) q = q.where('id', '>', after);
    return (await q.execute()).map((r) => r.id);
  }
  async countResidents(): Promise<number> {
    const r = await this.db
      .selectFrom('residents')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return r.n;
  }

  // resident accounts
  accountByPhoneIndex(bidx: string) {
    return this.db.selectFrom('resident_accounts').selectAll().where('phone_bidx', '=', bidx).executeTakeFirst();
  }
  async upsertAccount(row: Insertable<ResidentAccountsTable>): Promise<ResidentAccountRow> {
    await this.db
      .insertInto('resident_accounts')
      .values(row)
      .onConflict((oc) => oc.column('phone_bidx').doNothing())
      .execute();
    return this.db
      .selectFrom('resident_accounts')
      .selectAll()
      .where('phone_bidx', '=', row.phone_bidx)
      .executeTakeFirstOrThrow();
  }
  async linkAccount(accountId: string, residentId: string): Promise<void> {
    await this.db
      .updateTable('resident_accounts')
      .set({ resident_id: residentId })
      .where('id', '=', accountId)
      .execute();
  }
  accountById(id: string) {
    return this.db.selectFrom('resident_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  // staff
  staffByUsername(username: string) {
    return this.db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  }
  staffById(id: string) {
    return this.db.selectFrom('staff_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }
  listStaff(q: { withinRegion: string; search?: string; limit: number; after?: string }) {
    let query = this.db
      .selectFrom('staff_accounts')
      .selectAll()
      .where('jurisdiction_code', 'like', `${q.withinRegion}%`)
      .orderBy('username')
      .limit(q.limit);
    if (q.search)
      query = query.where((eb) =>
        eb.or([eb('username', 'like', `%${q.search}%`), eb('display_name', 'like', `%${q.search}%`)]),
      );
    if (q.after) query = query.where('username', '>', q.after);
    return query.execute();
  }
  async insertStaff(
    row: Omit<Insertable<StaffAccountsTable>, 'roles'> & { roles: string[] },
    trx: Kysely<IdentityTables> = this.db,
  ): Promise<void> {
    await trx
      .insertInto('staff_accounts')
      .values({ ...row, roles: json(row.roles) as unknown as StaffAccountsTable['roles'] })
      .execute();
  }
  async updateStaff(
    id: string,
    patch: Omit<Updateable<StaffAccountsTable>, 'roles'> & { roles?: string[] },
    trx: Kysely<IdentityTables> = this.db,
  ): Promise<void> {
    const { roles, ...rest } = patch;
    await trx
      .updateTable('staff_accounts')
      .set({ ...rest, ...(roles ? { roles: json(roles) as unknown as StaffAccountsTable['roles'] } : {}) })
      .where('id', '=', id)
      .execute();
  }

  // sessions
  async insertAccountsAndSessions(
    accounts: Insertable<ResidentAccountsTable>[],
    sessions: Insertable<SessionsTable>[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('resident_accounts').values(accounts).execute();
      await trx.insertInto('sessions').values(sessions).execute();
    });
  }
  async insertSession(row: Insertable<SessionsTable>): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }
  /**
   * Sessions with, for a resident's, the account's resident (null: none linked, or no such account any
   * more): a first request of a surge resolves its session in one query rather than two.
   */
  sessionsByHashes(hashes: readonly string[]) {
    if (!hashes.length) return Promise.resolve([]);
    return this.db
      .selectFrom('sessions as s')
      .leftJoin('resident_accounts as a', (j) =>
        j.onRef('a.id', '=', 's.account_id').on('s.account_kind', '=', 'resident'),
      )
      .selectAll('s')
      .select(['a.id as resident_account_id', 'a.resident_id'])
      .where(sql<boolean>`s.token_hash = any(${hashes}::text[])`)
      .execute();
  }
  async deleteSession(hash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
  }
  async sessionHashesOf(kind: 'staff' | 'resident', accountId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('account_kind', '=', kind)
      .where('account_id', '=', accountId)
      .execute();
    return rows.map((r) => r.token_hash);
  }
  async deleteSessionsOf(
    kind: 'staff' | 'resident',
    accountId: string,
    trx: Kysely<IdentityTables> = this.db,
  ): Promise<void> {
    await trx.deleteFrom('sessions').where('account_kind', '=', kind).where('account_id', '=', accountId).execute();
  }
  async deleteExpiredSessions(now: Date): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // api tokens
  async insertToken(
    row: Omit<Insertable<ApiTokensTable>, 'scopes'> & { scopes: string[] },
    trx: Kysely<IdentityTables> = this.db,
  ): Promise<void> {
    await trx
      .insertInto('api_tokens')
      .values({ ...row, scopes: json(row.scopes) as unknown as ApiTokensTable['scopes'] })
      .execute();
  }
  tokenByHash(hash: string) {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }
  tokenById(id: string) {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }
  listTokens(withinRegion: string) {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('jurisdiction_code', 'like', `${withinRegion}%`)
      .orderBy('created_at', 'desc')
      .execute();
  }
  async touchToken(id: string, at: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }
  async revokeToken(id: string, at: Date, trx: Kysely<IdentityTables> = this.db): Promise<void> {
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }
}

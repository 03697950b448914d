import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { CredentialsTables, DccSignerKeysTable, SigningKeysTable } from './credentials.tables.ts';

export class CredentialsRepository {
  readonly db: Kysely<CredentialsTables>;
  constructor(db: Db) {
    this.db = db as Kysely<CredentialsTables>;
  }

  activeOwnKey() {
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('origin', '=', 'own')
      .where('status', '=', 'active')
      .executeTakeFirst();
  }

  /** Inserts unless another process made the active own key first (a partial unique index). */
  async insertOwnKey(row: Insertable<SigningKeysTable>, trx: Kysely<CredentialsTables> = this.db): Promise<boolean> {
    const r = await trx
      .insertInto('signing_keys')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Keys a verifier must know: those not past their end, the one signing now even if its rotation is
   * overdue, and revoked ones, so their codes answer revoked_key.
   */
  listedKeys(now: Date) {
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('not_after', '>', now), eb('status', 'in', ['revoked', 'active'])]))
      .orderBy('created_at', 'desc')
      .execute();
  }

  allKeys() {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
  }

  key(kid: string) {
    return this.db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  }

  async setStatus(
    kid: string,
    status: SigningKeysTable['status'],
    notAfter: Date | null,
    trx: Kysely<CredentialsTables> = this.db,
  ) {
    await trx
      .updateTable('signing_keys')
      .set({ status, ...(notAfter ? { not_after: notAfter } : {}), updated_at: sql`now()` })
      .where('kid', '=', kid)
      .execute();
  }

  /** Imported keys replace what the same region published before; a local revocation is kept. */
  async upsertImported(rows: Insertable<SigningKeysTable>[], trx: Kysely<CredentialsTables> = this.db) {
    if (!rows.length) return;
    await trx
      .insertInto('signing_keys')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('kid')
          .doUpdateSet((eb) => ({
            status: sql`case when signing_keys.status = 'revoked' then 'revoked' else ${eb.ref('excluded.status')} end`,
            not_before: eb.ref('excluded.not_before'),
            not_after: eb.ref('excluded.not_after'),
            source: eb.ref('excluded.source'),
            updated_at: sql`now()`,
          }))
          .where('signing_keys.origin', '=', 'imported'),
      )
      .execute();
  }

  dccKeys() {
    return this.db.selectFrom('dcc_signer_keys').selectAll().orderBy('country').orderBy('kid').execute();
  }

  async upsertDccKeys(rows: Insertable<DccSignerKeysTable>[]): Promise<void> {
    if (!rows.length) return;
    await this.db
      .insertInto('dcc_signer_keys')
      .values(rows)
      .onConflict((oc) =>
        oc.column('kid').doUpdateSet((eb) => ({
          country: eb.ref('excluded.country'),
          spki: eb.ref('excluded.spki'),
          source: eb.ref('excluded.source'),
          imported_at: sql`now()`,
        })),
      )
      .execute();
  }

  async deleteDccKey(kid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('dcc_signer_keys').where('kid', '=', kid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

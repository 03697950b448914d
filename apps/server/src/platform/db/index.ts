import { PGlite } from '@electric-sql/pglite';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  sql,
  type Migration,
  type MigrationProvider,
  type PostgresPoolClient,
} from 'kysely';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { AppError } from '../errors.ts';
import { quoteIdent, type CopyRows } from './copy.ts';
import { pglitePool, type SqlExecutor } from './pglite-pool.ts';

export { CopyRows, type CopyValue } from './copy.ts';

// Both drivers answer the same JS types: dates as 'YYYY-MM-DD' text, int8 as number.
const DATE_OID = 1082;
const INT8_OID = 20;
pg.types.setTypeParser(DATE_OID, (v) => v);
pg.types.setTypeParser(INT8_OID, (v) => Number(v));

/** Kysely without table types; each module narrows it to the tables it owns. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = Kysely<any>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgresql';
  /** How libraries with their own SQL reach the database: a URL, or the embedded executor. */
  connection: { url: string } | { executeSql: SqlExecutor };
  close(): Promise<void>;
  ping(): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection that can also COPY rows in: bulk imports write
   * a batch with COPY (a third cheaper for the database than INSERT) and their bookkeeping through
   * Kysely, atomically. Commits when `fn` resolves, rolls back when it throws.
   */
  bulkTransaction<T>(fn: (trx: BulkTransaction) => Promise<T>): Promise<T>;
}

export interface BulkTransaction {
  /** Kysely on the transaction's connection (do not start another transaction on it). */
  db: Db;
  /** Appends the rows to `table` in one COPY statement. */
  copyInto(table: string, rows: CopyRows): Promise<void>;
}

/** One connection held for a bulk transaction: how to query on it, COPY into it and give it back. */
interface HeldConnection {
  client: PostgresPoolClient;
  copy(statement: string, data: Buffer): Promise<void>;
  release(broken?: Error): void;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** Folder of the embedded database; null keeps PGlite in memory (tests). */
  dataDir: string | null;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let dialect: PostgresDialect;
  let kind: Database['kind'];
  let connection: Database['connection'];
  let hold: () => Promise<HeldConnection>;
  if (options.databaseUrl) {
    kind = 'postgresql';
    connection = { url: options.databaseUrl };
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
    pool.on('error', () => {}); // idle client errors surface on the next query instead
    dialect = new PostgresDialect({ pool });
    hold = async () => {
      const client = await pool.connect();
      return {
        client: client as unknown as PostgresPoolClient,
        copy: (statement, data) =>
          pipeline(
            Readable.from([data], { objectMode: false }),
            client.query(copyFromStdin(`${statement} from stdin`)),
          ),
        release: (broken) => client.release(broken),
      };
    };
  } else {
    kind = 'pglite';
    let dir: string | undefined;
    if (options.dataDir) {
      dir = join(options.dataDir, 'pglite');
      mkdirSync(dir, { recursive: true });
    }
    const lite = await PGlite.create({
      dataDir: dir,
      parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) },
    });
    const pool = pglitePool(lite);
    connection = { executeSql: pool.executeSql };
    dialect = new PostgresDialect({ pool });
    hold = async () => {
      const client = await pool.connect();
      return {
        client,
        // PGlite has no client socket to stream through; its COPY reads an attached blob instead.
        copy: async (statement, data) => {
          await lite.query(`${statement} from '/dev/blob'`, [], { blob: new Blob([data]) });
        },
        release: () => client.release(),
      };
    };
  }
  const db: Db = new Kysely({ dialect });
  return {
    db,
    kind,
    connection,
    close: () => db.destroy(),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    bulkTransaction: (fn) => bulkTransaction(hold, fn),
  };
}

async function bulkTransaction<T>(hold: () => Promise<HeldConnection>, fn: (trx: BulkTransaction) => Promise<T>) {
  const held = await hold();
  // Kysely over the held connection only: its queries and the COPY share the one transaction.
  const client: PostgresPoolClient = { query: held.client.query.bind(held.client), release: () => {} };
  const db: Db = new Kysely({
    dialect: new PostgresDialect({ pool: { connect: async () => client, end: async () => {} } }),
  });
  let broken: Error | undefined;
  try {
    await sql`begin`.execute(db);
    const result = await fn({
      db,
      copyInto: async (table, rows) => {
        if (!rows.length) return;
        await held.copy(`copy ${quoteIdent(table)} (${rows.columns.map(quoteIdent).join(', ')})`, rows.bytes());
      },
    });
    await sql`commit`.execute(db);
    return result;
  } catch (e) {
    // A connection that cannot even roll back is dropped rather than lent out again.
    await sql`rollback`.execute(db).catch((r: unknown) => (broken = r instanceof Error ? r : new Error(String(r))));
    throw e;
  } finally {
    held.release(broken);
  }
}

const migrationsDir = new URL('../../../migrations/', import.meta.url);

class FolderMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = readdirSync(migrationsDir)
      .filter((f) => /^\d{12}_[a-z-]+_[a-z0-9-_]+\.ts$/.test(f))
      .sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      out[file.replace(/\.ts$/, '')] = (await import(
        pathToFileURL(join(migrationsDir.pathname, file)).href
      )) as Migration;
    }
    return out;
  }
}

/** Applies every pending forward-only migration; the same files serve PGlite and PostgreSQL. */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FolderMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).map((r) => r.migrationName);
}

interface DriverError {
  code?: unknown;
  constraint?: unknown;
}

/** Maps driver errors to AppError once, so no caller sees SQLSTATEs. */
export function translateDbError(error: unknown): AppError | null {
  const code = (error as DriverError)?.code;
  if (typeof code !== 'string') return null;
  if (code === '23505') return new AppError('conflict', 'resource.conflict');
  // 22021/22P05: text PostgreSQL cannot store (a NUL character), which JSON and query strings can carry.
  if (['23503', '23514', '22P02', '22007', '22008', '22001', '22021', '22P05'].includes(code))
    return new AppError('invalid', 'request.invalid');
  if (code === '40001' || code === '40P01' || code === '55P03' || code === '57014')
    return new AppError('unavailable', 'server.unavailable', { retryAfterSeconds: 1 });
  if (code.startsWith('08') || code === '57P01' || code === 'ECONNREFUSED' || code === 'ECONNRESET')
    return new AppError('unavailable', 'server.unavailable', { retryAfterSeconds: 5 });
  return null;
}

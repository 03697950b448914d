import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { benchApp } from './lib/app.ts';
import { row, type Row } from './lib/table.ts';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const DAY = 86_400_000;

/**
 * Recomputing every stored colour of a city after a rule change (decrypt facts, evaluate, write the
 * changed rows), against reading the same rows in the same batches: the I/O floor of the job.
 */
export async function healthCodeRecompute(): Promise<Row[]> {
  const { zt, close } = await benchApp(['42']);
  try {
    const db = zt.platform.database.db;
    const { vault } = zt.platform;
    const now = Date.now();
    for (let start = 0; start < PEOPLE; start += 5000) {
      const rows = [];
      for (let i = start; i < Math.min(PEOPLE, start + 5000); i++) {
        const facts = {
          caseStatus: i % 500 === 0 ? 'confirmed' : 'none',
          contact: i % 100 === 1 ? 'close' : 'none',
          contactSince: new Date(now - (i % 20) * DAY).toISOString(),
          quarantine: 'none',
          symptoms: i % 20 === 2,
          declaredAt: new Date(now - (i % 10) * DAY).toISOString(),
          visitedRisk: i % 50 === 3 ? 'high' : 'none',
          visitedRiskAt: new Date(now - (i % 15) * DAY).toISOString(),
          testResult: 'none',
        };
        rows.push({
          resident_id: randomUUID(),
          region_code: '420106',
          pseudonym: randomBytes(12).toString('base64url'),
          masked_name: '张*',
          facts_enc: vault.encrypt('healthFacts', JSON.stringify(facts)),
          colour: 'green',
        });
      }
      await db.insertInto('health_subjects').values(rows).execute();
    }
    if (zt.platform.database.kind === 'postgresql') await sql`analyze health_subjects`.execute(db);

    // Baseline: the same batched walk over the rows, reading only.
    let t0 = performance.now();
    let after: string | null = null;
    let read = 0;
    for (;;) {
      let q = db
        .selectFrom('health_subjects')
        .selectAll()
        .where('region_code', 'like', '4201%')
        .orderBy('resident_id')
        .limit(1000);
      if (after) q = q.where('resident_id', '>', after);
      const rows = await q.execute();
      if (!rows.length) break;
      read += rows.length;
      after = rows[rows.length - 1]!.resident_id;
    }
    const readSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    const result = await zt.services.healthCode.recompute('4201');
    const recomputeSeconds = (performance.now() - t0) / 1000;
    if (result.processed !== PEOPLE || read !== PEOPLE)
      throw new Error(`walked ${read}, recomputed ${result.processed} of ${PEOPLE}`);
    return [
      row(
        `read ${PEOPLE.toLocaleString('en-US')} health-code rows in batches: people/s`,
        PEOPLE / readSeconds,
        'people/s',
        null,
      ),
      row(
        `recompute colours of ${PEOPLE.toLocaleString('en-US')} people (${result.changed.toLocaleString('en-US')} changed): people/s`,
        PEOPLE / recomputeSeconds,
        'people/s',
        PEOPLE / readSeconds,
      ),
      row(`recompute colours of ${PEOPLE.toLocaleString('en-US')} people: seconds`, recomputeSeconds, 's', readSeconds),
    ];
  } finally {
    await close();
  }
}

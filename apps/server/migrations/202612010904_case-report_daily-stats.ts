import { sql, type Kysely } from 'kysely';

/**
 * Daily case statistics kept as incremental rollups, written in the transaction of each change, so a
 * dashboard reads a few hundred counters instead of person-level rows. Per day, district,
 * classification and source: cases that entered the classification that day, and cases that left it
 * (reclassified or excluded). Existing cases are counted in once here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_daily_stats')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('district_code', 'text', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('entered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('left', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('case_daily_stats_pk', ['day', 'district_code', 'classification', 'source'])
    .execute();
  // Each classification a case had entered on the day it was set; the earlier ones left on the next change.
  await sql`
    with changes as (
      select h.case_id, h.classification, (h.at at time zone 'Asia/Shanghai')::date as day,
             lead((h.at at time zone 'Asia/Shanghai')::date) over (partition by h.case_id order by h.at, h.id) as next_day,
             row_number() over (partition by h.case_id order by h.at desc, h.id desc) as latest
      from case_classifications h
    ), rows as (
      select c.day, left(k.region_code, 6) as district_code, c.classification, k.source, 1 as entered, 0 as "left"
      from changes c join cases k on k.id = c.case_id
      union all
      select c.next_day, left(k.region_code, 6), c.classification, k.source, 0, 1
      from changes c join cases k on k.id = c.case_id where c.next_day is not null
      union all
      select (k.outcome_at at time zone 'Asia/Shanghai')::date, left(k.region_code, 6), c.classification, k.source, 0, 1
      from changes c join cases k on k.id = c.case_id where c.latest = 1 and k.outcome = 'excluded'
    )
    insert into case_daily_stats (day, district_code, classification, source, entered, "left")
    select day, district_code, classification, source, sum(entered), sum("left") from rows
    group by day, district_code, classification, source`.execute(db);
}

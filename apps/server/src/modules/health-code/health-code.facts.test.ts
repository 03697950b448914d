import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.ts';
import { systemActor } from '../../platform/auth/actor.ts';
import { COLOUR_CHANGED, type ColourChanged } from './index.ts';

describe('many people’s facts at once', () => {
  let t: TestApp;
  let residents: string[];
  const told: ColourChanged[] = [];
  beforeAll(async () => {
    t = await buildTestApp({
      residents: 30,
      build: {
        startJobs: true,
        beforeStart: ({ events }) =>
          events.on<ColourChanged>(COLOUR_CHANGED, 'test.colours', async (e) => void told.push(e)),
      },
    });
    const rows = await sql<{ id: string }>`select id from residents order by id limit 30`.execute(
      t.zt.platform.database.db,
    );
    residents = rows.rows.map((r) => r.id);
  });
  afterAll(async () => t?.close());

  it('turns every close contact red in one call, keeps their other facts, audits each and tells of each change', async () => {
    const hc = t.zt.services.healthCode;
    const actor = systemActor('test');
    const [first, ...rest] = residents;
    // One is already under home monitoring: the new fact joins that one.
    await hc.setFacts(first!, { quarantine: 'home' }, actor);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const unknown = '01930000-0000-7000-8000-00000000dead';
    const answers = await hc.setFactsMany(
      [...residents, unknown].map((residentId) => ({
        residentId,
        patch: { contact: 'close' as const, contactSince: since },
      })),
      actor,
    );
    expect(answers.size).toBe(residents.length);
    expect([...answers.values()].every((e) => e.colour === 'red')).toBe(true);
    expect(answers.has(unknown)).toBe(false);
    const db = t.zt.platform.database.db;
    const colours = await sql<{ colour: string; n: number }>`select colour, count(*)::int as n from health_subjects
      where resident_id = any(${residents}::uuid[]) group by colour`.execute(db);
    expect(colours.rows).toEqual([{ colour: 'red', n: residents.length }]);
    // The earlier fact is still there: releasing the contact leaves the monitoring's yellow.
    const released = await hc.setFactsMany([{ residentId: first!, patch: { contact: 'none' } }], actor);
    expect(released.get(first!)!.colour).toBe('yellow');
    const audited = await sql<{ n: number }>`select count(distinct subject_id)::int as n from audit_events
      where subject_type = 'health-code' and action = 'update' and subject_id = any(${rest}::text[])`.execute(db);
    expect(audited.rows[0]!.n).toBe(rest.length);
    const deadline = Date.now() + 30_000;
    const red = () => new Set(told.filter((e) => e.colour === 'red').map((e) => e.residentId));
    while (red().size < residents.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(red()).toEqual(new Set(residents));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, signInStaff, type TestApp } from '../../test/build-test-app.ts';
import { DEMO_COOPERATIVE, DEMO_PRODUCER, ensureDemoMatching } from './demo-matching.ts';
import { DEMO_LOGISTICS_ACCOUNT, ensureDemoSupplies } from './demo-supplies.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ residents: 10 });
  await ensureDemoSupplies(t.zt);
});
afterAll(() => t?.close());

describe('demo supply-demand matching', () => {
  it('posts once, with a half-accepted substitute match and a confirmed produce match', async () => {
    await ensureDemoMatching(t.zt);
    await ensureDemoMatching(t.zt);
    const medical = await signInStaff(t.app, 'medical');
    const matches = (await as(t.app, medical, { url: '/api/v1/supplies/matching/matches?mine=true' })).json().items;
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ status: 'proposed', offer: { organisation: DEMO_PRODUCER } });
    expect(matches[0].offer.acceptedAt).not.toBeNull();

    const logistics = await signInStaff(t.app, DEMO_LOGISTICS_ACCOUNT);
    const all = (await as(t.app, logistics, { url: '/api/v1/supplies/matching/postings' })).json().items;
    expect(all).toHaveLength(6);
    const confirmed = (await as(t.app, logistics, { url: '/api/v1/supplies/matching/matches?status=confirmed' })).json()
      .items;
    expect(confirmed.map((m: { offer: { organisation: string } }) => m.offer.organisation)).toEqual([DEMO_COOPERATIVE]);
    const contact = await as(t.app, logistics, { url: `/api/v1/supplies/matching/matches/${confirmed[0].id}/contact` });
    expect(contact.json()).toMatchObject({ contactName: '赵敏' });

    const pub = (await t.app.inject({ url: '/api/v1/supplies/public/matching' })).json().items;
    expect(pub.map((p: { organisation: string }) => p.organisation)).toContain(DEMO_COOPERATIVE);
  });
});

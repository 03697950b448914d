import type { Campaign } from '@zhengtong/web-core';
import { describe, expect, it } from 'vitest';
import { isSiteId, refusalOf, siteChoices } from './data.ts';

describe('redeem refusals', () => {
  it('names each refusal the server can give', () => {
    expect(refusalOf({ code: 'pickup.already_redeemed', errors: [] })).toBe('already');
    expect(refusalOf({ code: 'pickup.other_site', errors: [] })).toBe('otherSite');
    expect(refusalOf({ code: 'pickup.expired', errors: [] })).toBe('expired');
    expect(refusalOf({ code: 'reservation.cancelled', errors: [] })).toBe('cancelled');
    expect(refusalOf({ code: 'request.invalid', errors: [{ code: 'pickup.invalid' }] })).toBe('invalid');
    expect(refusalOf({ code: 'request.invalid', errors: [{ code: 'reservation.site_not_found' }] })).toBe('site');
    expect(refusalOf({ code: 'server.unavailable', errors: [] })).toBe('other');
  });
});

describe('site choices', () => {
  const campaign = (title: string, status: Campaign['status'], sites: string[]) =>
    ({ title, status, sites: sites.map((name) => ({ id: `${title}-${name}`, name })) }) as unknown as Campaign;

  it('lists open campaigns’ sites first and leaves drafts out', () => {
    const choices = siteChoices([
      campaign('旧', 'closed', ['甲']),
      campaign('草稿', 'draft', ['乙']),
      campaign('新', 'open', ['丙', '丁']),
    ]);
    expect(choices.map((c) => c.label)).toEqual(['丙 · 新', '丁 · 新', '甲 · 旧']);
  });

  it('recognises a typed site id', () => {
    expect(isSiteId(' 0195f3a2-7c4e-7b1a-9d2e-3f4a5b6c7d8e ')).toBe(true);
    expect(isSiteId('药房')).toBe(false);
  });
});

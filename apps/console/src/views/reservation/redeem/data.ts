import type { RedeemSite } from '@zhengtong/web-core';

/** Why a pickup code was refused, as the site staff should read it (i18n key under reservations.redeem.refused). */
export type Refusal = 'already' | 'otherSite' | 'expired' | 'cancelled' | 'invalid' | 'site' | 'other';

const byCode: Record<string, Refusal> = {
  'pickup.already_redeemed': 'already',
  'reservation.redeemed': 'already',
  'pickup.other_site': 'otherSite',
  'pickup.expired': 'expired',
  'reservation.expired': 'expired',
  'reservation.cancelled': 'cancelled',
  'pickup.invalid': 'invalid',
  'pickup.none_for_person': 'invalid',
  'reservation.site_not_found': 'site',
};

/** Reads a refusal from a problem's code and its field-level codes (`request.invalid` carries them there). */
export function refusalOf(problem: { code: string; errors: { code: string }[] }): Refusal {
  for (const code of [problem.code, ...problem.errors.map((e) => e.code)]) {
    const found = byCode[code];
    if (found) return found;
  }
  return 'other';
}

export interface SiteChoice {
  id: string;
  label: string;
}

/** The server lists open campaigns' sites first, then closed ones (late pick-ups). */
export function siteChoices(sites: RedeemSite[]): SiteChoice[] {
  return sites.map((s) => ({ id: s.id, label: `${s.name} · ${s.campaignTitle}` }));
}

/** An 18-digit resident ID number (GB 11643) typed or read from the card, rather than a pickup code. */
export const isIdNumber = (input: string) => /^\d{17}[\dXx]$/.test(input.trim());

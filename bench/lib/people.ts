import { idNumberCheckChar } from '../../apps/server/src/platform/vault/index.ts';

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇', '艳', '杰', '小红', '建国'];

/** Passenger n of the synthetic manifest: a distinct checksum-valid ID number (GB 11643) and a phone. */
export function passenger(n: number) {
  const birth = new Date(Date.UTC(1950, 0, 1) + (n % 20_000) * 86_400_000).toISOString().slice(0, 10);
  const first17 = `420102${birth.replace(/-/g, '')}${String(Math.floor(n / 20_000) % 1000).padStart(3, '0')}`;
  return {
    name: SURNAMES[n % SURNAMES.length]! + GIVEN[Math.floor(n / 10) % GIVEN.length]!,
    idNumber: first17 + idNumberCheckChar(first17),
    phone: `139${String(n).padStart(8, '0')}`,
  };
}

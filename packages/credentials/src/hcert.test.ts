import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hc1, NOW, signer } from '../test/sign-hcert.ts';
import { verifyHcert } from './hcert.ts';

describe.each(['ES256', 'PS256'] as const)('EU DCC (HC1) signed with %s', (kind) => {
  const s = signer(kind);
  const text = hc1(s);

  it('verifies and reads the holder and the vaccination', async () => {
    const v = await verifyHcert(text, [s.key], NOW);
    expect(v).toMatchObject({
      result: 'valid',
      country: 'DE',
      kind: 'vaccination',
      holder: { familyName: 'Mustermann', givenName: 'Erika', dob: '1964-08-12' },
      entry: { dn: 2, sd: 2, dt: '2021-05-29' },
    });
    expect((await verifyHcert(hc1(s, { compress: false }), [s.key], NOW)).result).toBe('valid');
  });

  it('names each failure', async () => {
    expect((await verifyHcert(hc1(s, { exp: NOW - 1 }), [s.key], NOW)).result).toBe('expired');
    expect((await verifyHcert(hc1(s, { iat: NOW + 3600 }), [s.key], NOW)).result).toBe('not_yet_valid');
    expect((await verifyHcert(text, [signer(kind).key], NOW)).result).toBe('unknown_kid');
    const other = signer(kind);
    expect((await verifyHcert(text, [{ ...other.key, kid: s.key.kid }], NOW)).result).toBe('bad_signature');
    expect(await verifyHcert('ZT1:ABC', [s.key], NOW)).toEqual({ result: 'malformed', stage: 'prefix' });
    expect(await verifyHcert('HC1:!!', [s.key], NOW)).toEqual({ result: 'malformed', stage: 'base45' });
    expect((await verifyHcert(text.slice(0, 60), [s.key], NOW)).result).toBe('malformed');
    expect(await verifyHcert(hc1(s, { cert: { ver: '1.3.0' } }), [s.key], NOW)).toEqual({
      result: 'malformed',
      stage: 'payload',
    });
  });

  it('never throws and never accepts another certificate than the one signed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(text.length - 1), fc.integer({ min: 32, max: 126 }), async (at, code) => {
        const mutated = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
        const v = await verifyHcert(mutated, [s.key], NOW);
        return v.result !== 'valid' || (v.holder.familyName === 'Mustermann' && v.entry.dt === '2021-05-29');
      }),
      { numRuns: kind === 'PS256' ? 150 : 400 },
    );
  });
});

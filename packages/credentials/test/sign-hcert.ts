/**
 * Test-only: signs EU DCCs (HC1) the way a member state's backend does, with node:crypto, so tests of
 * the package and of the server can check real certificates. Not part of the package's exports.
 */
import { encode as base45Encode } from '@digitalbazaar/base45';
import { Encoder, Tag } from 'cbor-x';
import { zlibSync } from 'fflate';
import { constants, createHash, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { toBase64 } from '../src/bytes.ts';
import type { DccSignerKey } from '../src/hcert.ts';

export const NOW = 1_795_000_000;
const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });

/** A Document Signer like a member state's: P-256 (ES256) or RSA (PS256). */
export function signer(kind: 'ES256' | 'PS256') {
  const { privateKey, publicKey } =
    kind === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const kid = createHash('sha256').update(spki).digest().subarray(0, 8);
  const key: DccSignerKey = { kid: toBase64(kid), country: 'DE', spki: spki.toString('base64') };
  return { kind, privateKey, kid: Uint8Array.from(kid), key };
}

export const vaccination = {
  ver: '1.3.0',
  nam: { fn: 'Mustermann', gn: 'Erika', fnt: 'MUSTERMANN', gnt: 'ERIKA' },
  dob: '1964-08-12',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2021-05-29',
      co: 'DE',
      is: 'Robert Koch-Institut',
      ci: 'URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#W',
    },
  ],
};

export function hc1(
  s: { kind: 'ES256' | 'PS256'; privateKey: KeyObject; kid: Uint8Array },
  opts: { iat?: number; exp?: number; cert?: object; compress?: boolean } = {},
) {
  const protectedHeader = Uint8Array.from(
    cbor.encode(
      new Map<number, unknown>([
        [1, s.kind === 'ES256' ? -7 : -37],
        [4, s.kid],
      ]),
    ),
  );
  const claims = new Map<number, unknown>([
    [1, 'DE'],
    [4, opts.exp ?? NOW + 86_400],
    [6, opts.iat ?? NOW - 3600],
    [-260, new Map([[1, opts.cert ?? vaccination]])],
  ]);
  const payload = Uint8Array.from(cbor.encode(claims));
  const tbs = cbor.encode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
  const signature =
    s.kind === 'ES256'
      ? nodeSign('sha256', tbs, { key: s.privateKey, dsaEncoding: 'ieee-p1363' })
      : nodeSign('sha256', tbs, { key: s.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  const cose = Uint8Array.from(
    cbor.encode(new Tag([protectedHeader, new Map(), payload, Uint8Array.from(signature)], 18)),
  );
  return 'HC1:' + base45Encode(opts.compress === false ? cose : zlibSync(cose));
}

import type { Generated, Selectable } from 'kysely';

export interface SigningKeysTable {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  spki: string;
  /** Own keys only: the raw private key, encrypted by the vault. */
  private_key_enc: string | null;
  region_code: string;
  origin: 'own' | 'imported';
  /** Imported keys: the file name or URL they came from. */
  source: string | null;
  status: 'active' | 'retired' | 'revoked';
  not_before: Date;
  not_after: Date;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type SigningKeyRow = Selectable<SigningKeysTable>;

export interface DccSignerKeysTable {
  kid: string;
  country: string;
  spki: string;
  source: string;
  imported_at: Generated<Date>;
}

export interface CredentialsTables {
  signing_keys: SigningKeysTable;
  dcc_signer_keys: DccSignerKeysTable;
}

import type { Generated, Selectable } from 'kysely';
import type { Permission, Role } from '@zhengtong/contracts';

export interface ResidentsTable {
  id: string;
  region_code: string;
  name_enc: string;
  name_masked: string;
  id_number_enc: string;
  id_number_bidx: string;
  id_number_masked: string;
  phone_enc: string;
  phone_bidx: string;
  phone_masked: string;
  gender: 'male' | 'female';
  birth_year: number;
  synthetic: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface ResidentAccountsTable {
  id: string;
  phone_bidx: string;
  phone_masked: string;
  resident_id: string | null;
  created_at: Generated<Date>;
}

export interface StaffAccountsTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  totp_secret_enc: string | null;
  totp_pending_enc: string | null;
  roles: Exclude<Role, 'resident'>[];
  jurisdiction_code: string;
  disabled: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  token_hash: string;
  account_kind: 'staff' | 'resident';
  account_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  scopes: Permission[];
  jurisdiction_code: string;
  created_by: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface IdentityTables {
  residents: ResidentsTable;
  resident_accounts: ResidentAccountsTable;
  staff_accounts: StaffAccountsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
}

export type ResidentRow = Selectable<ResidentsTable>;
export type ResidentAccountRow = Selectable<ResidentAccountsTable>;
export type StaffRow = Selectable<StaffAccountsTable>;

import type { Generated, Selectable } from 'kysely';
import type { HealthColour, HealthRuleSetBody } from '@zhengtong/contracts';

export interface HealthRuleSetsTable {
  id: string;
  region_code: string;
  version: number;
  status: 'draft' | 'published' | 'superseded';
  body: HealthRuleSetBody;
  note: Generated<string>;
  created_by: string;
  created_at: Generated<Date>;
  published_by: string | null;
  published_at: Date | null;
}
export type RuleSetRow = Selectable<HealthRuleSetsTable>;

export interface HealthSubjectsTable {
  resident_id: string;
  region_code: string;
  /** The QR's `sub`: random, never derived from the ID number, phone or name. */
  pseudonym: string;
  masked_name: string;
  /** HealthFacts as JSON, encrypted by the vault. */
  facts_enc: string;
  colour: HealthColour;
  rule_set_id: string | null;
  rule_id: string | null;
  green_at: Date | null;
  consent_at: Date | null;
  last_declaration_at: Date | null;
  updated_at: Generated<Date>;
}
export type SubjectRow = Selectable<HealthSubjectsTable>;

export interface HealthDeclarationsTable {
  id: string;
  resident_id: string;
  region_code: string;
  declared_by: 'self' | 'proxy';
  proxy_id: string | null;
  body_enc: string;
  declared_at: Generated<Date>;
}

export interface HealthProxiesTable {
  id: string;
  holder_kind: 'resident' | 'staff';
  /** The holder's resident id (family member) or staff id (grid worker). */
  holder_id: string;
  subject_resident_id: string;
  relation: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export interface HealthCodeTables {
  health_proxies: HealthProxiesTable;
  health_rule_sets: HealthRuleSetsTable;
  health_subjects: HealthSubjectsTable;
  health_declarations: HealthDeclarationsTable;
}

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
  /** An approved manual colour, until its end (see health_overrides). */
  override_id: Generated<string | null>;
  override_colour: Generated<HealthColour | null>;
  override_until: Generated<Date | null>;
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

export interface HealthAppealsTable {
  id: string;
  resident_id: string;
  region_code: string;
  /** The colour and rule disputed, as they were when the appeal was filed. */
  colour: HealthColour;
  rule_id: string | null;
  /** The resident's own words, encrypted: they may describe health or whereabouts. */
  statement_enc: string;
  status: 'open' | 'upheld' | 'rejected';
  decision_note: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Generated<Date>;
}
export type AppealRow = Selectable<HealthAppealsTable>;

export interface HealthOverridesTable {
  id: string;
  resident_id: string;
  region_code: string;
  colour: HealthColour;
  legal_basis: string;
  reason: string;
  appeal_id: string | null;
  ends_at: Date;
  status: 'pending' | 'active' | 'rejected' | 'ended';
  requested_by: string;
  requested_by_label: string;
  requested_at: Generated<Date>;
  approved_by: string | null;
  approved_by_label: string | null;
  decided_at: Date | null;
}
export type OverrideRow = Selectable<HealthOverridesTable>;

export interface HealthCodeTables {
  health_appeals: HealthAppealsTable;
  health_overrides: HealthOverridesTable;
  health_proxies: HealthProxiesTable;
  health_rule_sets: HealthRuleSetsTable;
  health_subjects: HealthSubjectsTable;
  health_declarations: HealthDeclarationsTable;
}

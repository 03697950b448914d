import type { ColumnType, Generated, Selectable } from 'kysely';
import type { caseClassifications, caseOutcomes, caseSources, sampleKinds } from '@zhengtong/contracts';

export type CaseClassification = (typeof caseClassifications)[number];
export type CaseOutcome = (typeof caseOutcomes)[number];
export type CaseSource = (typeof caseSources)[number];

export interface CasesTable {
  id: string;
  /** The person's region when they are a registered resident, else the reporting unit's. */
  region_code: string;
  resident_id: string | null;
  /** The name as the clinician typed it; null when the person is a registered resident (identity holds it). */
  name_enc: string | null;
  name_masked: string;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  id_number_masked: string | null;
  /** Symptoms and the clinician's note, as JSON, encrypted by the vault. */
  clinical_enc: string;
  /** 'YYYY-MM-DD' in Asia/Shanghai. */
  onset_date: string;
  diagnosed_at: Date;
  reported_at: Date;
  classification: CaseClassification;
  outcome: CaseOutcome | null;
  outcome_at: Date | null;
  reporter_id: string;
  reporter_label: string;
  reporting_unit: string;
  source: Generated<CaseSource>;
  /** Where an imported case came from (a region or country name, not an address). */
  source_note: string | null;
  // Blind indexes for duplicate suggestions (see Vault.personIndexes).
  name_bidx: string | null;
  name_sound_bidx: string | null;
  birth_bidx: string | null;
  phone_bidx: string | null;
  address_bidx: string | null;
  phone_enc: string | null;
  phone_masked: string | null;
  address_enc: string | null;
  /** A duplicate report points at the case it was merged into; undoing the merge clears it. */
  merged_into: Generated<string | null>;
  merged_at: Generated<Date | null>;
  merged_by: Generated<string | null>;
  updated_at: Generated<Date>;
}
export type CaseRow = Selectable<CasesTable>;

export interface CaseClassificationsTable {
  id: string;
  case_id: string;
  classification: CaseClassification;
  reason: string;
  by_label: string;
  at: Date;
}

export interface CaseSamplesTable {
  id: string;
  case_id: string;
  kind: (typeof sampleKinds)[number];
  collected_at: Date;
  lab: string;
  result: 'pending' | 'positive' | 'negative';
  result_at: Date | null;
  by_label: string;
}

export interface CaseDailyStatsTable {
  day: ColumnType<string, string, string>;
  district_code: string;
  classification: CaseClassification;
  source: CaseSource;
  entered: number;
  left: number;
}

export interface CaseMergeDismissalsTable {
  case_a: string;
  case_b: string;
  by_label: string;
  at: Generated<Date>;
}

export interface CaseReportTables {
  case_merge_dismissals: CaseMergeDismissalsTable;
  case_daily_stats: CaseDailyStatsTable;
  case_samples: CaseSamplesTable;
  cases: CasesTable;
  case_classifications: CaseClassificationsTable;
}

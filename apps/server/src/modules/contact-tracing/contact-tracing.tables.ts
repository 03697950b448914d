import type { ColumnType, Generated, Selectable } from 'kysely';
import type {
  caseLinkKinds,
  contactStatuses,
  Exposure,
  importFormats,
  importKinds,
  ImportStatus,
  riskRanks,
  tracedLevels,
  TripMode,
} from '@zhengtong/contracts';

export interface TracingVisitsTable {
  id: string;
  case_id: string;
  place_id: string | null;
  place_name: string;
  place_address: Generated<string>;
  from_at: Date;
  to_at: Date;
  source: 'entered' | 'check-in';
  check_in_id: string | null;
  /** The investigator's note may name people: vault-encrypted. */
  note_enc: string | null;
  created_by: string;
  created_at: Generated<Date>;
}
export type VisitRow = Selectable<TracingVisitsTable>;

export interface TracingTripsTable {
  id: string;
  case_id: string;
  mode: TripMode;
  number: string;
  /** 'YYYY-MM-DD' */
  travel_date: ColumnType<string, string, string>;
  carriage: number | null;
  seat: string | null;
  seat_row: number | null;
  from_station: Generated<string>;
  to_station: Generated<string>;
  published_at: Date | null;
  created_by: string;
  created_at: Generated<Date>;
}
export type TripRow = Selectable<TracingTripsTable>;

export interface TracingHouseholdTable {
  id: string;
  case_id: string;
  resident_id: string | null;
  name_enc: string;
  name_masked: string;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  id_number_masked: string | null;
  relation: string;
  created_by: string;
  created_at: Generated<Date>;
}
export type HouseholdRow = Selectable<TracingHouseholdTable>;

export interface TracingCaseLinksTable {
  id: string;
  source_case_id: string;
  target_case_id: string;
  kind: (typeof caseLinkKinds)[number];
  note: Generated<string>;
  created_by: string;
  created_at: Generated<Date>;
}
export type CaseLinkRow = Selectable<TracingCaseLinksTable>;

export interface TracingManifestRowsTable {
  id: Generated<number>;
  import_id: string | null;
  mode: TripMode;
  number: string;
  travel_date: ColumnType<string, string, string>;
  carriage: number | null;
  seat: string | null;
  seat_row: number | null;
  /** {name, idNumber, phone} as JSON, vault-encrypted. */
  person_enc: string;
  name_masked: string;
  id_number_bidx: string;
  id_number_masked: string;
}
export type ManifestRow = Selectable<TracingManifestRowsTable>;

export type ContactStatus = (typeof contactStatuses)[number];
export type ContactLevel = (typeof tracedLevels)[number];

export interface TracingContactsTable {
  id: string;
  case_id: string;
  level: ContactLevel;
  status: ContactStatus;
  person_key: string;
  resident_id: string | null;
  manifest_row_id: number | null;
  household_id: string | null;
  via_contact_id: string | null;
  name_masked: string;
  id_number_masked: string | null;
  region_code: string | null;
  /** The region of the case that found them: who follows up a contact whose residence is unknown. */
  case_region_code: string | null;
  score: number;
  rank: (typeof riskRanks)[number];
  first_exposure_at: Date;
  last_exposure_at: Date;
  exposures: ColumnType<Exposure[], string, string>;
  became_case_id: string | null;
  identified_at: Date;
  notified_at: Date | null;
  updated_at: Generated<Date>;
}
export type ContactRow = Selectable<TracingContactsTable>;

export interface TracingInvestigationsTable {
  case_id: string;
  last_discovery_at: Date;
  discovery_ms: number;
}

export interface TracingRunsTable {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  case_ids: ColumnType<string[], string, string>;
  total: number;
  done: Generated<number>;
  contacts: Generated<number>;
  failed_cases: Generated<number>;
  region_code: string;
  created_by: string;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}
export type RunRow = Selectable<TracingRunsTable>;

export interface TracingImportsTable {
  id: string;
  kind: (typeof importKinds)[number];
  file_name: string;
  format: (typeof importFormats)[number];
  size: number;
  uploaded_bytes: Generated<number>;
  status: ImportStatus;
  digest: string | null;
  rows_done: Generated<number>;
  rows_rejected: Generated<number>;
  checkpoint: Generated<number>;
  processed_bytes: Generated<number>;
  attempts: Generated<number>;
  error_code: string | null;
  problems: ColumnType<{ path: string; code: string }[], string | undefined, string>;
  retraced: number | null;
  created_by: string;
  created_by_id: string | null;
  region_code: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}
export type ImportRow = Selectable<TracingImportsTable>;

export interface TracingImportChunksTable {
  import_id: string;
  offset: number;
  data: Uint8Array;
  sha256: string;
}

export interface TracingImportRejectsTable {
  import_id: string;
  row: number;
  field: string;
  code: string;
}

export interface ContactTracingTables {
  tracing_runs: TracingRunsTable;
  tracing_imports: TracingImportsTable;
  tracing_import_chunks: TracingImportChunksTable;
  tracing_import_rejects: TracingImportRejectsTable;
  tracing_visits: TracingVisitsTable;
  tracing_trips: TracingTripsTable;
  tracing_household: TracingHouseholdTable;
  tracing_case_links: TracingCaseLinksTable;
  tracing_manifest_rows: TracingManifestRowsTable;
  tracing_contacts: TracingContactsTable;
  tracing_investigations: TracingInvestigationsTable;
}

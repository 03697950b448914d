import type { ColumnType, Generated, Selectable } from 'kysely';
import type { alertKinds, FollowUpTask, taskEndings, taskKinds, taskStatuses } from '@zhengtong/contracts';

export interface CommunityTasksTable {
  id: string;
  kind: (typeof taskKinds)[number];
  resident_id: string;
  /** The resident's grid: the grid worker there follows up. */
  region_code: string;
  level: 'close' | 'secondary';
  exposure: ColumnType<FollowUpTask['exposure'], string, string>;
  status: (typeof taskStatuses)[number];
  ending: (typeof taskEndings)[number] | null;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  due_at: Date;
  /** The worker's note may name people: vault-encrypted. */
  note_enc: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: Date | null;
}
export type TaskRow = Selectable<CommunityTasksTable>;

export interface CommunityDailyChecksTable {
  id: string;
  task_id: string;
  day: ColumnType<string, string, string>;
  /** {temperature, symptoms, note} as JSON, vault-encrypted. */
  body_enc: string;
  abnormal: boolean;
  by_kind: 'self' | 'grid_worker';
  by_label: string;
  at: Date;
}
export type CheckRow = Selectable<CommunityDailyChecksTable>;

export interface CommunityAlertsTable {
  id: string;
  task_id: string;
  kind: (typeof alertKinds)[number];
  day: ColumnType<string, string, string>;
  region_code: string;
  created_at: Generated<Date>;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}
export type AlertRow = Selectable<CommunityAlertsTable>;

export interface CommunityTables {
  community_tasks: CommunityTasksTable;
  community_daily_checks: CommunityDailyChecksTable;
  community_alerts: CommunityAlertsTable;
}

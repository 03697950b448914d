import { Type, type Static } from '@sinclair/typebox';
import { caseSymptoms } from './cases.ts';
import { literalUnion, RegionRef } from './schemas.ts';
import { exposureKinds } from './tracing.ts';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A daily check at or above this temperature (°C), or with any symptom, is abnormal and raises an alert. */
export const FEVER_CELSIUS = 37.3;

export const taskKinds = ['contact-follow-up'] as const;
export const taskStatuses = ['open', 'in_progress', 'done', 'cancelled'] as const;
/** Why a task ended: its period ran out, tracing cleared the person, or the person became a case. */
export const taskEndings = ['completed', 'cleared', 'became_case'] as const;
export const alertKinds = ['missed_check', 'abnormal_check'] as const;

export const DailyCheckInput = Type.Object(
  {
    temperature: Type.Number({ minimum: 34, maximum: 43, description: '°C' }),
    symptoms: Type.Array(literalUnion(caseSymptoms), { maxItems: caseSymptoms.length, uniqueItems: true }),
    note: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type DailyCheckInput = Static<typeof DailyCheckInput>;

export const DailyCheck = Type.Object({
  day: Type.String({ description: 'YYYY-MM-DD, Asia/Shanghai' }),
  temperature: Type.Number(),
  symptoms: Type.Array(literalUnion(caseSymptoms)),
  note: Type.String(),
  abnormal: Type.Boolean(),
  by: literalUnion(['self', 'grid_worker'] as const),
  at: DateTime,
});
export type DailyCheck = Static<typeof DailyCheck>;

export const FollowUpTask = Type.Object({
  id: Type.String(),
  kind: literalUnion(taskKinds),
  status: literalUnion(taskStatuses),
  ending: Nullable(literalUnion(taskEndings)),
  residentId: Type.String({ description: 'the resident record, where the worker may reveal the phone (audited)' }),
  name: Type.String({ description: 'masked' }),
  idNumber: Type.String({ description: 'masked' }),
  phone: Type.String({ description: 'masked' }),
  region: RegionRef,
  level: literalUnion(['close', 'secondary'] as const),
  /** The strongest exposure, for the worker's own words: where or on what, and when; no other person's data. */
  exposure: Type.Object({ kind: literalUnion(exposureKinds), label: Type.String(), at: DateTime }),
  startsOn: Type.String(),
  endsOn: Type.String({ description: 'last day of daily checks' }),
  dueAt: DateTime,
  overdue: Type.Boolean({ description: 'not yet started after its due time' }),
  checkedToday: Type.Boolean(),
  missedDays: Type.Integer(),
  createdAt: DateTime,
});
export type FollowUpTask = Static<typeof FollowUpTask>;

export const FollowUpTaskDetail = Type.Intersect([
  FollowUpTask,
  Type.Object({ checks: Type.Array(DailyCheck), note: Type.String() }),
]);
export type FollowUpTaskDetail = Static<typeof FollowUpTaskDetail>;

export const CommunityAlert = Type.Object({
  id: Type.String(),
  kind: literalUnion(alertKinds),
  taskId: Type.String(),
  name: Type.String({ description: 'masked' }),
  region: RegionRef,
  day: Type.String(),
  createdAt: DateTime,
  acknowledgedAt: Nullable(DateTime),
});
export type CommunityAlert = Static<typeof CommunityAlert>;

/** The resident's own medical observation: days to go and checks so far. */
export const MyObservation = Type.Object({
  active: Type.Boolean(),
  taskId: Nullable(Type.String()),
  startsOn: Nullable(Type.String()),
  endsOn: Nullable(Type.String()),
  checkedToday: Type.Boolean(),
  checks: Type.Array(DailyCheck),
});
export type MyObservation = Static<typeof MyObservation>;

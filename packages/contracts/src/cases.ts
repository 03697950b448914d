import { Type, type Static } from '@sinclair/typebox';
import { IdNumber, literalUnion, PersonName, RegionRef } from './schemas.ts';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** 疑似, 临床诊断, 确诊, 无症状感染者, 不明原因肺炎 (accepted without laboratory confirmation). */
export const caseClassifications = [
  'suspected',
  'clinical',
  'confirmed',
  'asymptomatic',
  'unexplained_pneumonia',
] as const;
export const caseOutcomes = ['recovered', 'deceased', 'excluded'] as const;
/** Where the infection came from, as the investigation found: 本地, 输入, 不明. */
export const caseSources = ['local', 'imported', 'unknown'] as const;
export const caseSymptoms = [
  'fever',
  'cough',
  'fatigue',
  'dyspnea',
  'sore_throat',
  'diarrhea',
  'loss_of_smell',
] as const;

export const sampleKinds = ['throat_swab', 'nasal_swab', 'sputum', 'blood', 'bronchoalveolar_lavage'] as const;

export const CaseSample = Type.Object({
  id: Type.String(),
  kind: literalUnion(sampleKinds),
  collectedAt: DateTime,
  lab: Type.String(),
  result: literalUnion(['pending', 'positive', 'negative'] as const),
  resultAt: Nullable(DateTime),
  by: Type.String(),
});

export const SampleInput = Type.Object(
  {
    kind: literalUnion(sampleKinds),
    collectedAt: DateTime,
    lab: Type.String({ minLength: 2, maxLength: 100 }),
  },
  { additionalProperties: false },
);

export const CaseReportInput = Type.Object(
  {
    idNumber: Type.Optional(IdNumber),
    name: Type.Optional(PersonName),
    onsetDate: Type.String({ format: 'date' }),
    diagnosedAt: DateTime,
    classification: literalUnion(caseClassifications),
    symptoms: Type.Array(literalUnion(caseSymptoms), { maxItems: caseSymptoms.length, uniqueItems: true }),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    phone: Type.Optional(Type.String({ maxLength: 20, description: 'mainland mobile number, to reach the patient' })),
    address: Type.Optional(Type.String({ maxLength: 200, description: 'home address, for the investigation' })),
    birthDate: Type.Optional(
      Type.String({ format: 'date', description: 'when there is no ID number; helps find duplicate reports' }),
    ),
  },
  { additionalProperties: false },
);
export type CaseReportInput = Static<typeof CaseReportInput>;

export const CaseClassificationChange = Type.Object({
  classification: literalUnion(caseClassifications),
  reason: Type.String(),
  by: Type.String(),
  at: DateTime,
});

export const CaseSummary = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'masked' }),
  idNumber: Nullable(Type.String({ description: 'masked' })),
  region: RegionRef,
  residentKnown: Type.Boolean(),
  classification: literalUnion(caseClassifications),
  outcome: Nullable(literalUnion(caseOutcomes)),
  onsetDate: Type.String(),
  diagnosedAt: DateTime,
  reportedAt: DateTime,
  overdue: Type.Boolean({ description: 'reported later than the deadline after diagnosis' }),
  reporter: Type.String(),
  source: literalUnion(caseSources),
  sourceNote: Nullable(Type.String()),
  mergedInto: Nullable(Type.String({ description: 'the case this duplicate report was merged into' })),
});
export type CaseSummary = Static<typeof CaseSummary>;

export const CaseDetail = Type.Intersect([
  CaseSummary,
  Type.Object({
    symptoms: Type.Array(Type.String()),
    note: Type.String(),
    history: Type.Array(CaseClassificationChange),
    samples: Type.Array(CaseSample),
    phone: Nullable(Type.String({ description: 'masked' })),
    /** Duplicate reports merged into this case. */
    duplicates: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), reporter: Type.String() })),
  }),
]);
export type CaseDetail = Static<typeof CaseDetail>;

export const CaseStatisticsQuery = Type.Object(
  { from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) },
  { additionalProperties: false },
);

/**
 * Daily counters, one row per day on which something changed for a district, classification and
 * source (a day without a row changed nothing: carry the totals forward). `new`: cases that entered the
 * classification that day; `left`: reclassified or excluded; `cumulative`: all that ever entered it up
 * to that day; `current`: those in it at the end of that day.
 */
export const CaseStatistics = Type.Object({
  from: Type.String(),
  to: Type.String(),
  districts: Type.Array(RegionRef),
  rows: Type.Array(
    Type.Object({
      day: Type.String(),
      district: Type.String(),
      classification: literalUnion(caseClassifications),
      source: literalUnion(caseSources),
      new: Type.Integer(),
      left: Type.Integer(),
      cumulative: Type.Integer(),
      current: Type.Integer(),
    }),
  ),
});
export type CaseStatistics = Static<typeof CaseStatistics>;

export const duplicateReasons = [
  'id_number',
  'same_resident',
  'name',
  'name_sound',
  'birth_date',
  'phone',
  'address',
] as const;

/** Two reports that may be one person, and why the platform thinks so. */
export const DuplicateSuggestion = Type.Object({
  a: CaseSummary,
  b: CaseSummary,
  reasons: Type.Array(literalUnion(duplicateReasons)),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
});
export type DuplicateSuggestion = Static<typeof DuplicateSuggestion>;

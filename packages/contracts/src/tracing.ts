import { Type, type Static } from '@sinclair/typebox';
import { caseClassifications } from './cases.ts';
import { IdNumber, literalUnion, PersonName, RegionRef } from './schemas.ts';

const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD, Asia/Shanghai' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const tripModes = ['train', 'flight', 'bus'] as const;
export type TripMode = (typeof tripModes)[number];
/** How a contact was exposed: a shared place, a shared vehicle, a household, or through a close contact. */
export const exposureKinds = ['place', 'train', 'flight', 'bus', 'household', 'secondary'] as const;
export const riskRanks = ['high', 'medium', 'low'] as const;
export const tracedLevels = ['close', 'secondary'] as const;
/**
 * pending: found for a case not (yet) confirmed, nobody notified; active: notified, code and follow-up
 * changed; cleared: no exposure left or the case was excluded; became_case: reported as a case since.
 */
export const contactStatuses = ['pending', 'active', 'cleared', 'became_case'] as const;
export const caseLinkKinds = ['contact', 'household', 'cluster', 'manual'] as const;

// ---------- the investigation (流调) ----------

export const VisitInput = Type.Object(
  {
    placeCode: Type.Optional(
      Type.String({
        pattern: '^[0-9A-Za-z]{10}$',
        description: 'a registered place (场所码): check-ins there are matched',
      }),
    ),
    placeName: Type.Optional(
      Type.String({ minLength: 2, maxLength: 100, description: 'a place without a place code: kept, not matched' }),
    ),
    from: DateTime,
    to: DateTime,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type VisitInput = Static<typeof VisitInput>;

export const Visit = Type.Object({
  id: Type.String(),
  place: Type.Object({ code: Nullable(Type.String()), name: Type.String(), address: Type.String() }),
  from: DateTime,
  to: DateTime,
  source: literalUnion(['entered', 'check-in'] as const),
  note: Type.String(),
});
export type Visit = Static<typeof Visit>;

export const TripInput = Type.Object(
  {
    mode: literalUnion(tripModes),
    number: Type.String({
      minLength: 1,
      maxLength: 20,
      description: 'G1234 (train), CZ3456 (flight), 鄂A12345 or 301 (bus)',
    }),
    date: Day,
    carriage: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'train carriage' })),
    seat: Type.Optional(Type.String({ minLength: 1, maxLength: 8, description: '12F, 045, 33C' })),
    fromStation: Type.Optional(Type.String({ maxLength: 50 })),
    toStation: Type.Optional(Type.String({ maxLength: 50 })),
  },
  { additionalProperties: false },
);
export type TripInput = Static<typeof TripInput>;

export const Trip = Type.Object({
  id: Type.String(),
  mode: literalUnion(tripModes),
  number: Type.String(),
  date: Type.String(),
  carriage: Nullable(Type.Integer()),
  seat: Nullable(Type.String()),
  fromStation: Type.String(),
  toStation: Type.String(),
  published: Type.Boolean({ description: 'listed in the public co-traveller query (同程查询)' }),
});
export type Trip = Static<typeof Trip>;

export const HouseholdInput = Type.Object(
  {
    idNumber: Type.Optional(IdNumber),
    name: PersonName,
    relation: Type.String({ minLength: 1, maxLength: 20 }),
  },
  { additionalProperties: false },
);
export type HouseholdInput = Static<typeof HouseholdInput>;

export const HouseholdMember = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'masked' }),
  idNumber: Nullable(Type.String({ description: 'masked' })),
  relation: Type.String(),
  residentKnown: Type.Boolean(),
});

export const CaseLinkInput = Type.Object(
  {
    otherCaseId: Type.String({ format: 'uuid' }),
    /** `source`: the other case infected this one; `infected`: this case infected the other. */
    direction: literalUnion(['source', 'infected'] as const),
    kind: literalUnion(caseLinkKinds),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CaseLinkInput = Static<typeof CaseLinkInput>;

export const CaseLink = Type.Object({
  id: Type.String(),
  direction: literalUnion(['source', 'infected'] as const),
  kind: literalUnion(caseLinkKinds),
  note: Type.String(),
  otherCase: Type.Object({
    id: Type.String(),
    name: Type.String({ description: 'masked' }),
    classification: literalUnion(caseClassifications),
  }),
});

export const Investigation = Type.Object({
  caseId: Type.String(),
  /** Whether contacts are notified: only cases that are confirmed, clinically diagnosed or asymptomatic. */
  notifies: Type.Boolean(),
  visits: Type.Array(Visit),
  trips: Type.Array(Trip),
  household: Type.Array(HouseholdMember),
  links: Type.Array(CaseLink),
  contacts: Type.Object({ close: Type.Integer(), secondary: Type.Integer() }),
  lastDiscoveryAt: Nullable(DateTime),
});
export type Investigation = Static<typeof Investigation>;

// ---------- contacts (密接, 次密接) ----------

export const Exposure = Type.Object({
  kind: literalUnion(exposureKinds),
  /** Where or on what: a place name, `G1234 #5 12F` (carriage 5), `CZ3456 20C`, or the household relation. */
  label: Type.String(),
  /** For a secondary contact: the close contact they met (masked). */
  via: Nullable(Type.String()),
  from: DateTime,
  to: DateTime,
  minutes: Nullable(Type.Integer({ description: 'estimated time together; null when not known (a trip)' })),
  seatDistance: Nullable(Type.Integer({ description: 'rows apart on the same vehicle' })),
});
export type Exposure = Static<typeof Exposure>;

export const Contact = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  level: literalUnion(tracedLevels),
  status: literalUnion(contactStatuses),
  name: Type.String({ description: 'masked' }),
  idNumber: Nullable(Type.String({ description: 'masked' })),
  residentKnown: Type.Boolean(),
  region: Nullable(RegionRef),
  rank: literalUnion(riskRanks),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  firstExposureAt: DateTime,
  lastExposureAt: DateTime,
  exposures: Type.Array(Exposure),
  becameCaseId: Nullable(Type.String()),
  identifiedAt: DateTime,
});
export type Contact = Static<typeof Contact>;

export const DiscoveryResult = Type.Object({
  close: Type.Integer(),
  secondary: Type.Integer(),
  added: Type.Integer(),
  cleared: Type.Integer(),
  notified: Type.Integer({ description: 'people whose code and follow-up changed in this run' }),
  tookMs: Type.Integer(),
});
export type DiscoveryResult = Static<typeof DiscoveryResult>;

// ---------- passenger manifests and the public co-traveller query ----------

export const ManifestRowInput = Type.Object(
  {
    mode: literalUnion(tripModes),
    number: Type.String({ minLength: 1, maxLength: 20 }),
    date: Day,
    carriage: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
    seat: Type.Optional(Type.String({ minLength: 1, maxLength: 8 })),
    name: PersonName,
    idNumber: IdNumber,
    phone: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type ManifestRowInput = Static<typeof ManifestRowInput>;

export const CoTravelQuery = Type.Object(
  {
    date: Day,
    number: Type.String({ minLength: 1, maxLength: 20 }),
    carriage: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
  },
  { additionalProperties: false },
);

/** What the public co-traveller query answers: published trips only, no personal data. */
export const CoTravelAnswer = Type.Object({
  found: Type.Boolean(),
  trips: Type.Array(
    Type.Object({
      mode: literalUnion(tripModes),
      number: Type.String(),
      date: Type.String(),
      carriage: Nullable(Type.Integer()),
      fromStation: Type.String(),
      toStation: Type.String(),
      publishedAt: DateTime,
    }),
  ),
});
export type CoTravelAnswer = Static<typeof CoTravelAnswer>;

// ---------- batch tracing runs ----------

export const TracingRunInput = Type.Object(
  {
    /** `open`: every open confirmed, clinical or asymptomatic case in the jurisdiction; `listed`: `caseIds`. */
    scope: literalUnion(['open', 'listed'] as const),
    caseIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        minItems: 1,
        maxItems: 10000,
        uniqueItems: true,
        description: 'the cases to trace, with `scope: listed`',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TracingRun = Type.Object({
  id: Type.String(),
  status: literalUnion(['queued', 'running', 'done', 'failed'] as const),
  total: Type.Integer(),
  done: Type.Integer(),
  contacts: Type.Integer({ description: 'close and secondary contacts found, summed over the cases' }),
  failedCases: Type.Integer(),
  createdAt: DateTime,
  startedAt: Nullable(DateTime),
  finishedAt: Nullable(DateTime),
  casesPerSecond: Nullable(Type.Number()),
});
export type TracingRun = Static<typeof TracingRun>;

// ---------- transmission chains ----------

export const ChainsQuery = Type.Object(
  { until: Type.Optional(Day) },
  { additionalProperties: false, description: '`until`: the chains as they stood at the end of that day' },
);

export const ChainCluster = Type.Object({
  id: Type.String({ description: 'the earliest source case of the cluster' }),
  rootName: Type.String({ description: 'masked' }),
  cases: Type.Integer(),
  contacts: Type.Integer(),
  firstDate: Type.String(),
  lastDate: Type.String(),
  /** Cases diagnosed in the last 7 days up to `until`, and in the 7 days before: growth at a glance. */
  newCases7d: Type.Integer(),
  newCasesPrev7d: Type.Integer(),
});
export type ChainCluster = Static<typeof ChainCluster>;

export const ChainClusters = Type.Object({
  until: Type.String(),
  firstDate: Nullable(Type.String()),
  totals: Type.Object({ cases: Type.Integer(), contacts: Type.Integer(), clusters: Type.Integer() }),
  clusters: Type.Array(ChainCluster),
});

export const ChainGraphQuery = Type.Object(
  {
    caseId: Type.String({ format: 'uuid', description: 'any case of the cluster to draw' }),
    /** Only what descends from this case (filter by source case). */
    from: Type.Optional(Type.Boolean()),
    until: Type.Optional(Day),
  },
  { additionalProperties: false },
);

export const ChainNode = Type.Object({
  id: Type.String(),
  kind: literalUnion(['case', 'contact', 'contacts'] as const),
  name: Type.String({ description: 'masked; for `contacts`, empty' }),
  classification: Nullable(literalUnion(caseClassifications)),
  level: Nullable(literalUnion(tracedLevels)),
  /** For `contacts`: how many contacts this node stands for (collapsed). */
  count: Type.Integer(),
  date: Type.String(),
});
export const ChainGraph = Type.Object({
  nodes: Type.Array(ChainNode),
  edges: Type.Array(
    Type.Object({ source: Type.String(), target: Type.String(), kind: literalUnion(['link', 'exposure'] as const) }),
  ),
  collapsed: Type.Boolean({ description: 'contacts were drawn as one node per case: there were too many' }),
});
export type ChainGraph = Static<typeof ChainGraph>;

// ---------- file imports of manifests (CSV, XLSX) ----------

export const importKinds = ['manifest'] as const;
export const importFormats = ['csv', 'xlsx'] as const;
/**
 * uploading: chunks arriving; queued: complete, waiting for a worker; running: rows being imported;
 * done: every row imported or rejected; failed: the file could not be read (nothing kept);
 * refused: wrong or missing columns (nothing written).
 */
export const importStatuses = ['uploading', 'queued', 'running', 'done', 'failed', 'refused'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export const ImportCreate = Type.Object(
  {
    kind: literalUnion(importKinds),
    fileName: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f/\\\\]+$' }),
    format: literalUnion(importFormats),
    size: Type.Integer({ minimum: 1, description: 'bytes; at most ZT_IMPORT_MAX_BYTES' }),
  },
  { additionalProperties: false },
);
export type ImportCreate = Static<typeof ImportCreate>;

export const ImportProblem = Type.Object({
  /** A column (`columns.身份证号`) or a field of the manifest (`idNumber`). */
  path: Type.String(),
  code: Type.String(),
  message: Type.String(),
});

export const ImportView = Type.Object({
  id: Type.String(),
  kind: literalUnion(importKinds),
  fileName: Type.String(),
  format: literalUnion(importFormats),
  size: Type.Integer(),
  uploadedBytes: Type.Integer(),
  /** Send the file in chunks of exactly this many bytes (the last may be shorter), in order. */
  chunkBytes: Type.Integer(),
  status: literalUnion(importStatuses),
  /** Bytes of the file read by the importer so far: the progress of a running import. */
  processedBytes: Type.Integer(),
  rowsDone: Type.Integer({ description: 'rows imported' }),
  rowsRejected: Type.Integer({ description: 'rows refused; see rejects.csv' }),
  errorCode: Nullable(Type.String()),
  /** Why the file was refused or failed: missing, unknown or repeated columns, in the request's language. */
  problems: Type.Array(ImportProblem),
  retraced: Nullable(Type.Integer({ description: 'cases traced again because of this manifest' })),
  createdBy: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
  finishedAt: Nullable(DateTime),
});
export type ImportView = Static<typeof ImportView>;

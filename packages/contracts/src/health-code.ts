import { Type, type Static } from '@sinclair/typebox';
import { HealthColour, HealthExplanation, HealthFacts, HealthRuleSetBody } from './health-rules.ts';
import { IdNumber, literalUnion, PersonName, RegionRef } from './schemas.ts';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

// ---------- credentials: trust list (CREDENTIALS.md) ----------

export const TrustedKey = Type.Object({
  kid: Type.String({ minLength: 4, maxLength: 64 }),
  alg: literalUnion(['EdDSA', 'ES256'] as const),
  spki: Type.String({ minLength: 16, maxLength: 400 }),
  region: Type.String({ pattern: '^\\d{2,12}$' }),
  notBefore: DateTime,
  notAfter: DateTime,
  status: literalUnion(['active', 'retired', 'revoked'] as const),
});
export type TrustedKey = Static<typeof TrustedKey>;

export const TrustList = Type.Object({
  issuer: Type.String({ pattern: '^\\d{2,12}$' }),
  keys: Type.Array(TrustedKey, { maxItems: 500 }),
  updatedAt: DateTime,
});
export type TrustList = Static<typeof TrustList>;

/** EU DCC Document Signer keys (HCERT), for inbound travellers' certificates. */
export const DccKeyList = Type.Object({
  keys: Type.Array(
    Type.Object({
      kid: Type.String({ minLength: 8, maxLength: 24, description: 'base64 of the 8-byte kid' }),
      country: Type.String({ pattern: '^[A-Z]{2}$' }),
      spki: Type.String({ minLength: 16, maxLength: 2000, description: 'base64 DER SubjectPublicKeyInfo' }),
    }),
    { maxItems: 5000 },
  ),
});

export const HcertAnswer = Type.Object({
  result: literalUnion(['valid', 'expired', 'not_yet_valid', 'bad_signature', 'unknown_kid', 'malformed'] as const),
  stage: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  kind: Type.Optional(literalUnion(['vaccination', 'test', 'recovery'] as const)),
  holder: Type.Optional(Type.Object({ familyName: Type.String(), givenName: Type.String(), dob: Type.String() })),
  entry: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  expiresAt: Type.Optional(DateTime),
});

/** A key as the console lists it: the trust-list entry and where it came from. */
export const SigningKeyItem = Type.Intersect([
  TrustedKey,
  Type.Object({
    origin: literalUnion(['own', 'imported'] as const),
    source: Nullable(Type.String()),
    createdAt: DateTime,
  }),
]);
export type SigningKeyItem = Static<typeof SigningKeyItem>;

export const VerifyAnswer = Type.Object({
  result: literalUnion([
    'valid',
    'expired',
    'not_yet_valid',
    'bad_signature',
    'unknown_kid',
    'revoked_key',
    'malformed',
  ] as const),
  stage: Type.Optional(literalUnion(['prefix', 'base45', 'zlib', 'cbor', 'cose'] as const)),
  claims: Type.Optional(
    Type.Object({
      iss: Type.String(),
      sub: Type.String(),
      iat: Type.Integer(),
      exp: Type.Integer(),
      zt: Type.Record(Type.String(), Type.String()),
    }),
  ),
});
export type VerifyAnswer = Static<typeof VerifyAnswer>;

// ---------- health declarations and codes ----------

export const riskLevels = ['none', 'low', 'medium', 'high'] as const;
export const symptomKinds = ['fever', 'cough', 'fatigue', 'sore_throat', 'loss_of_smell', 'diarrhea'] as const;

export const DeclarationInput = Type.Object(
  {
    temperature: Type.Optional(Type.Number({ description: '°C, 34.0–43.0' })),
    symptoms: Type.Array(literalUnion(symptomKinds), { maxItems: symptomKinds.length, uniqueItems: true }),
    visited: Type.Array(
      Type.Object(
        {
          regionCode: Type.String({ pattern: '^(\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12})$' }),
          date: Type.String({ format: 'date' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 30, description: 'places visited in the last 14 days' },
    ),
    riskAreaVisit: literalUnion(riskLevels),
    contactWithCase: Type.Boolean(),
    consent: Type.Literal(true, { description: 'consent to processing for epidemic prevention' }),
  },
  { additionalProperties: false },
);
export type DeclarationInput = Static<typeof DeclarationInput>;

export const Declaration = Type.Object({
  id: Type.String(),
  declaredAt: DateTime,
  declaredBy: literalUnion(['self', 'proxy'] as const),
  temperature: Nullable(Type.Number()),
  symptoms: Type.Array(Type.String()),
  visited: Type.Array(Type.Object({ region: RegionRef, date: Type.String() })),
  riskAreaVisit: literalUnion(riskLevels),
  contactWithCase: Type.Boolean(),
});
export type Declaration = Static<typeof Declaration>;

export const HealthStatus = Type.Object({
  colour: HealthColour,
  explanation: HealthExplanation,
  ruleSet: Type.Object({ id: Nullable(Type.String()), version: Type.Integer(), region: RegionRef }),
  maskedName: Type.String(),
  updatedAt: DateTime,
  lastDeclarationAt: Nullable(DateTime),
});
export type HealthStatus = Static<typeof HealthStatus>;

export const HealthCode = Type.Intersect([
  HealthStatus,
  Type.Object({
    text: Type.String({ description: 'ZT1 QR text' }),
    issuedAt: DateTime,
    expiresAt: DateTime,
    refreshAfterSeconds: Type.Integer(),
  }),
]);
export type HealthCode = Static<typeof HealthCode>;

export const ProxyInput = Type.Object(
  {
    idNumber: IdNumber,
    name: PersonName,
    relation: literalUnion(['parent', 'grandparent', 'child', 'spouse', 'relative', 'other'] as const),
  },
  { additionalProperties: false },
);

export const ProxyList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      relation: Type.String(),
      maskedName: Type.String(),
      colour: Nullable(HealthColour),
      createdAt: DateTime,
    }),
  ),
  limit: Type.Integer({ description: 'most people one resident may hold codes for' }),
});

export const IdCardLookupAnswer = Type.Object({
  colour: Nullable(HealthColour),
  found: Type.Boolean(),
});

// ---------- places and check-ins ----------

export const placeKinds = [
  'shop',
  'market',
  'restaurant',
  'office',
  'transport',
  'hospital',
  'school',
  'residential',
  'venue',
  'other',
] as const;

export const PlaceInput = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 80, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
    address: Type.String({ minLength: 2, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
    regionCode: Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12}|\\d{15})$' }),
    kind: literalUnion(placeKinds),
  },
  { additionalProperties: false },
);

export const Place = Type.Object({
  id: Type.String(),
  code: Type.String({ description: 'short code printed in the place QR' }),
  name: Type.String(),
  address: Type.String(),
  kind: literalUnion(placeKinds),
  region: RegionRef,
  active: Type.Boolean(),
  checkInsToday: Type.Integer(),
  createdAt: DateTime,
});
export type Place = Static<typeof Place>;

export const PublicPlace = Type.Object({
  code: Type.String(),
  name: Type.String(),
  address: Type.String(),
  region: RegionRef,
});

export const CheckIn = Type.Object({
  id: Type.String(),
  at: DateTime,
  place: Type.Object({ code: Type.String(), name: Type.String(), address: Type.String() }),
  colour: HealthColour,
  method: literalUnion(['place-scan', 'verifier'] as const),
});
export type CheckIn = Static<typeof CheckIn>;

/** What a resident sees after scanning a place code: a full-screen pass for the staff at the door. */
export const CheckInPass = Type.Object({
  checkIn: CheckIn,
  maskedName: Type.String(),
  explanation: HealthExplanation,
});

export const ScanAnswer = Type.Object({
  result: VerifyAnswer.properties.result,
  stage: Type.Optional(VerifyAnswer.properties.stage),
  colour: Type.Optional(HealthColour),
  maskedName: Type.Optional(Type.String()),
  issuer: Type.Optional(Type.String()),
  expiresAt: Type.Optional(DateTime),
  checkedIn: Type.Boolean(),
});
export type ScanAnswer = Static<typeof ScanAnswer>;

// ---------- rule sets ----------

export const HealthRuleSet = Type.Object({
  id: Nullable(Type.String({ description: 'null for the built-in default' })),
  version: Type.Integer(),
  status: literalUnion(['draft', 'published', 'superseded', 'built-in'] as const),
  region: RegionRef,
  body: HealthRuleSetBody,
  note: Type.String(),
  createdBy: Type.String(),
  createdAt: Nullable(DateTime),
  publishedAt: Nullable(DateTime),
});
export type HealthRuleSet = Static<typeof HealthRuleSet>;

const Texts = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const RulePreview = Type.Object({
  items: Type.Array(
    Type.Object({ label: Texts, facts: HealthFacts, current: HealthExplanation, draft: HealthExplanation }),
  ),
});

// ---------- appeals (申诉) and manual overrides ----------

export const Appeal = Type.Object({
  id: Type.String(),
  colour: HealthColour,
  ruleId: Nullable(Type.String()),
  status: literalUnion(['open', 'upheld', 'rejected'] as const),
  statement: Type.String(),
  decisionNote: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(DateTime),
  createdAt: DateTime,
});
export type Appeal = Static<typeof Appeal>;

export const StaffAppeal = Type.Intersect([
  Appeal,
  Type.Object({ residentId: Type.String(), maskedName: Type.String() }),
]);

export const overrideStatuses = ['pending', 'active', 'rejected', 'ended'] as const;

export const OverrideInput = Type.Object(
  {
    residentId: Type.String({ format: 'uuid' }),
    colour: HealthColour,
    legalBasis: Type.String({ minLength: 4, maxLength: 200, description: 'the law or order that allows it' }),
    reason: Type.String({ minLength: 4, maxLength: 500 }),
    endsAt: DateTime,
    appealId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

export const Override = Type.Object({
  id: Type.String(),
  residentId: Type.String(),
  maskedName: Type.String(),
  region: RegionRef,
  colour: HealthColour,
  legalBasis: Type.String(),
  reason: Type.String(),
  appealId: Nullable(Type.String()),
  endsAt: DateTime,
  status: literalUnion(overrideStatuses),
  requestedBy: Type.String(),
  requestedAt: DateTime,
  approvedBy: Nullable(Type.String()),
  decidedAt: Nullable(DateTime),
});
export type Override = Static<typeof Override>;

export const OverrideReport = Type.Object({
  items: Type.Array(
    Type.Object({
      district: RegionRef,
      requestedBy: Type.String(),
      approvedBy: Nullable(Type.String()),
      colour: HealthColour,
      status: literalUnion(overrideStatuses),
      count: Type.Integer(),
    }),
  ),
});

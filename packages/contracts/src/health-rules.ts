import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './schemas.ts';

const DateTime = Type.String({ format: 'date-time' });
const Texts = Type.Object({ 'zh-CN': Type.String({ maxLength: 500 }), en: Type.String({ maxLength: 500 }) });

export const HealthColour = literalUnion(['green', 'yellow', 'red'] as const);
export type HealthColour = Static<typeof HealthColour>;

export const caseStatuses = ['none', 'suspected', 'confirmed', 'asymptomatic', 'recovered'] as const;
export const contactLevels = ['none', 'close', 'secondary'] as const;
export const quarantineKinds = ['none', 'home', 'central'] as const;
export const riskVisitLevels = ['none', 'low', 'medium', 'high'] as const;
export const testResults = ['none', 'negative', 'positive'] as const;

/** What is known about one person at a moment; the colour rules read only these. */
export const HealthFacts = Type.Object({
  caseStatus: literalUnion(caseStatuses),
  caseSince: Type.Optional(DateTime),
  contact: literalUnion(contactLevels),
  contactSince: Type.Optional(DateTime),
  quarantine: literalUnion(quarantineKinds),
  quarantineEndsAt: Type.Optional(DateTime),
  symptoms: Type.Boolean({ description: 'symptoms declared in the latest declaration' }),
  temperature: Type.Optional(Type.Number()),
  declaredAt: Type.Optional(DateTime),
  visitedRisk: literalUnion(riskVisitLevels),
  visitedRiskAt: Type.Optional(DateTime),
  testResult: literalUnion(testResults),
  testAt: Type.Optional(DateTime),
});
export type HealthFacts = Static<typeof HealthFacts>;

/** Facts a condition can test; each has a kind that fixes which operators and values fit. */
export const ruleFacts = {
  caseStatus: { kind: 'enum', values: caseStatuses, since: 'caseSince' },
  contact: { kind: 'enum', values: contactLevels, since: 'contactSince' },
  quarantine: { kind: 'enum', values: quarantineKinds, since: null },
  symptoms: { kind: 'boolean', since: 'declaredAt' },
  temperature: { kind: 'number', since: 'declaredAt' },
  visitedRisk: { kind: 'enum', values: riskVisitLevels, since: 'visitedRiskAt' },
  testResult: { kind: 'enum', values: testResults, since: 'testAt' },
} as const;
export type RuleFact = keyof typeof ruleFacts;

export const RuleCondition = Type.Object(
  {
    fact: literalUnion(Object.keys(ruleFacts) as RuleFact[]),
    op: literalUnion(['in', 'eq', 'gte', 'lte'] as const),
    // Scalars only, boolean first: a union with an array would let the server's type coercion turn
    // `true` into ["true"]. The list for `in` has its own field.
    value: Type.Optional(Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: 20 })])),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { minItems: 1, maxItems: 10 })),
    withinDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, description: "the fact's time is within this many days" }),
    ),
  },
  { additionalProperties: false },
);
export type RuleCondition = Static<typeof RuleCondition>;

export const HealthRule = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,31}$', description: 'short reason code carried in the QR' }),
    colour: literalUnion(['red', 'yellow'] as const),
    when: Type.Array(RuleCondition, { minItems: 1, maxItems: 8 }),
    reason: Texts,
    advice: Texts,
  },
  { additionalProperties: false },
);
export type HealthRule = Static<typeof HealthRule>;

export const HealthRuleSetBody = Type.Object(
  {
    rules: Type.Array(HealthRule, { maxItems: 50 }),
    greenReason: Texts,
    greenAdvice: Texts,
  },
  { additionalProperties: false },
);
export type HealthRuleSetBody = Static<typeof HealthRuleSetBody>;

/** Why a person has their colour, in words they can act on. */
export const HealthExplanation = Type.Object({
  colour: HealthColour,
  ruleId: Type.Union([Type.String(), Type.Null()]),
  reason: Texts,
  advice: Texts,
  greenAt: Type.Union([DateTime, Type.Null()], {
    description: 'when the colour returns to green by itself; null when green or no automatic return',
  }),
  matched: Type.Array(Type.String()),
});
export type HealthExplanation = Static<typeof HealthExplanation>;

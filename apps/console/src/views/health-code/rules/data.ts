import { ruleFacts, type RuleFact } from '@zhengtong/contracts';
import type { HealthRule, HealthRuleSetBody, RulePreview } from '@zhengtong/web-core';

export type Condition = HealthRule['when'][number];
export const factNames = Object.keys(ruleFacts) as RuleFact[];

/** Operators that fit a fact, so the editor never offers a condition the server would refuse. */
export function opsFor(fact: RuleFact): Condition['op'][] {
  const kind = ruleFacts[fact].kind;
  return kind === 'enum' ? ['eq', 'in'] : kind === 'boolean' ? ['eq'] : ['gte', 'lte'];
}

export function valuesFor(fact: RuleFact): readonly string[] {
  const spec = ruleFacts[fact];
  return spec.kind === 'enum' ? spec.values : [];
}

/** Whether "within N days" makes sense: the fact has a time. */
export function timedFact(fact: RuleFact): boolean {
  return ruleFacts[fact].since !== null;
}

/** A condition reset to fit a newly chosen fact. */
export function conditionFor(fact: RuleFact): Condition {
  const spec = ruleFacts[fact];
  if (spec.kind === 'enum') return { fact, op: 'eq', value: spec.values[1] ?? spec.values[0] };
  if (spec.kind === 'boolean') return { fact, op: 'eq', value: true };
  return { fact, op: 'gte', value: 37.3 };
}

export function newRule(existing: HealthRule[]): HealthRule {
  let n = existing.length + 1;
  while (existing.some((r) => r.id === `rule-${n}`)) n++;
  return {
    id: `rule-${n}`,
    colour: 'yellow',
    when: [{ fact: 'symptoms', op: 'eq', value: true, withinDays: 7 }],
    reason: { 'zh-CN': '', en: '' },
    advice: { 'zh-CN': '', en: '' },
  };
}

/** A deep copy, so editing a draft never touches the list it came from. */
export const cloneBody = (b: HealthRuleSetBody): HealthRuleSetBody =>
  JSON.parse(JSON.stringify(b)) as HealthRuleSetBody;

type PreviewRow = RulePreview['items'][number];

/** Whether the draft gives a sample person another colour, or the same colour for another rule. */
export const previewChanged = (row: PreviewRow): boolean =>
  row.current.colour !== row.draft.colour || row.current.ruleId !== row.draft.ruleId;

/** The draft as the server stores it, for the read-only JSON view. */
export const bodyJson = (b: HealthRuleSetBody): string => JSON.stringify(b, null, 2);

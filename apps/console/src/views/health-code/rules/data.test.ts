import { describe, expect, it } from 'vitest';
import { conditionFor, newRule, opsFor, previewChanged, timedFact, valuesFor } from './data.ts';

describe('rule editor choices', () => {
  it('offers only operators and values that fit each fact', () => {
    expect(opsFor('caseStatus')).toEqual(['eq', 'in']);
    expect(opsFor('symptoms')).toEqual(['eq']);
    expect(opsFor('temperature')).toEqual(['gte', 'lte']);
    expect(valuesFor('visitedRisk')).toEqual(['none', 'low', 'medium', 'high']);
    expect(timedFact('quarantine')).toBe(false);
    expect(timedFact('contact')).toBe(true);
  });

  it('resets a condition to a valid one when its fact changes', () => {
    expect(conditionFor('temperature')).toEqual({ fact: 'temperature', op: 'gte', value: 37.3 });
    expect(conditionFor('contact')).toEqual({ fact: 'contact', op: 'eq', value: 'close' });
  });

  it('gives a new rule an id no other rule has', () => {
    const first = newRule([]);
    expect(newRule([first, { ...first, id: 'rule-2' }]).id).toBe('rule-3');
  });
});

describe('preview', () => {
  const explanation = (colour: 'green' | 'yellow' | 'red', ruleId: string | null) => ({
    colour,
    ruleId,
    reason: { 'zh-CN': '', en: '' },
    advice: { 'zh-CN': '', en: '' },
    greenAt: null,
    matched: [],
  });
  const row = (a: ReturnType<typeof explanation>, b: ReturnType<typeof explanation>) => ({
    label: { 'zh-CN': '', en: '' },
    facts: {
      caseStatus: 'none',
      contact: 'none',
      quarantine: 'none',
      symptoms: false,
      visitedRisk: 'none',
      testResult: 'none',
    } as const,
    current: a,
    draft: b,
  });

  it('marks a sample person whose colour, or the rule that sets it, changes', () => {
    expect(previewChanged(row(explanation('green', null), explanation('green', null)))).toBe(false);
    expect(previewChanged(row(explanation('yellow', 'symptoms'), explanation('red', 'symptoms')))).toBe(true);
    expect(previewChanged(row(explanation('red', 'case'), explanation('red', 'rule-1')))).toBe(true);
  });
});

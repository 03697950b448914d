import { describe, expect, it } from 'vitest';
import { conditionFor, newRule, opsFor, timedFact, valuesFor } from './data.ts';

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

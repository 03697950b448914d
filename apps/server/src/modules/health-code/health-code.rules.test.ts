import { Value } from '@sinclair/typebox/value';
import { FormatRegistry } from '@sinclair/typebox';
import { HealthRuleSetBody, type HealthFacts } from '@zhengtong/contracts';
import { describe, expect, it } from 'vitest';
import {
  defaultRuleSet,
  evaluate,
  missingTexts,
  noFacts,
  preview,
  sampleFacts,
  validateRuleSet,
} from './health-code.rules.ts';

const now = new Date('2026-11-22T04:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
const healthy: HealthFacts = noFacts;

describe('default colour rules', () => {
  it('give each sample person the colour national practice gives', () => {
    const got = sampleFacts(now).map((s) => [s.label.en, evaluate(defaultRuleSet, s.facts, now)] as const);
    const byLabel = Object.fromEntries(got.map(([l, e]) => [l, `${e.colour}:${e.ruleId}`]));
    expect(byLabel).toEqual({
      'Healthy, declared today': 'green:null',
      'Declared a fever of 38.1 °C yesterday': 'yellow:fever',
      'Declared a cough 2 days ago': 'yellow:symptoms',
      'Visited a high-risk area 3 days ago': 'yellow:high-risk',
      'Close contact since 2 days ago, in central quarantine': 'red:close-q',
      'Secondary contact since 10 days ago': 'green:null',
      'Confirmed case': 'red:confirmed',
      'Recovered case': 'green:null',
      'Negative test yesterday': 'green:null',
    });
  });

  it('tell when a colour returns to green by itself, and never for an infection', () => {
    const visit = evaluate(defaultRuleSet, { ...healthy, visitedRisk: 'high', visitedRiskAt: ago(3) }, now);
    expect(visit.greenAt).toBe(new Date(Date.parse(ago(3)) + 14 * DAY).toISOString());
    const confirmed = evaluate(defaultRuleSet, { ...healthy, caseStatus: 'confirmed', caseSince: ago(1) }, now);
    expect(confirmed).toMatchObject({ colour: 'red', ruleId: 'confirmed', greenAt: null });
    expect(evaluate(defaultRuleSet, healthy, now)).toMatchObject({ colour: 'green', greenAt: null, matched: [] });
    const expired = evaluate(defaultRuleSet, { ...healthy, visitedRisk: 'high', visitedRiskAt: ago(15) }, now);
    expect(expired.colour).toBe('green');
  });

  it('let the most severe rule decide, and list every rule that matched', () => {
    const e = evaluate(
      defaultRuleSet,
      { ...healthy, symptoms: true, temperature: 38.5, declaredAt: ago(1), contact: 'close', contactSince: ago(2) },
      now,
    );
    expect(e.colour).toBe('red');
    expect(e.ruleId).toBe('close');
    expect(e.matched).toEqual(['close', 'fever', 'symptoms']);
    // Both time-bounded: green when the last of them ends (the contact, 14 days after it).
    expect(e.greenAt).toBe(new Date(Date.parse(ago(2)) + 14 * DAY).toISOString());
  });

  it('end a quarantine rule on its set end date', () => {
    const ends = new Date(now.getTime() + 3 * DAY).toISOString();
    const e = evaluate(defaultRuleSet, { ...healthy, quarantine: 'home', quarantineEndsAt: ends }, now);
    expect(e).toMatchObject({ colour: 'yellow', ruleId: 'home-q', greenAt: ends });
    const over = evaluate(defaultRuleSet, { ...healthy, quarantine: 'home', quarantineEndsAt: ago(1) }, now);
    expect(over.colour).toBe('green');
  });
});

describe('rule sets edited by administrators', () => {
  it('change results when a rule is added', () => {
    const strict: HealthRuleSetBody = {
      ...defaultRuleSet,
      rules: [
        {
          id: 'mid-red',
          colour: 'red',
          when: [{ fact: 'visitedRisk', op: 'in', values: ['medium', 'high'], withinDays: 14 }],
          reason: { 'zh-CN': '到访中高风险地区', en: 'Visited a medium- or high-risk area' },
          advice: { 'zh-CN': '请报备', en: 'Report it' },
        },
        ...defaultRuleSet.rules,
      ],
    };
    const facts: HealthFacts = { ...healthy, visitedRisk: 'medium', visitedRiskAt: ago(10) };
    expect(evaluate(defaultRuleSet, facts, now).colour).toBe('green');
    expect(evaluate(strict, facts, now)).toMatchObject({ colour: 'red', ruleId: 'mid-red' });
  });

  it('are previewed on the sample people before they are put in force', () => {
    const noFever: HealthRuleSetBody = {
      ...defaultRuleSet,
      rules: defaultRuleSet.rules.filter((r) => r.id !== 'fever'),
    };
    const samples = sampleFacts(now).map((s) => ({ label: s.label.en, facts: s.facts }));
    const rows = preview(noFever, samples, now);
    expect(rows.map((r) => r.label)).toEqual(samples.map((s) => s.label));
    // Without the fever rule the feverish sample is still yellow, now for the declared symptoms.
    const fever = rows.find((r) => r.label === 'Declared a fever of 38.1 °C yesterday')!;
    expect(fever.explanation).toMatchObject({ colour: 'yellow', ruleId: 'symptoms', matched: ['symptoms'] });
  });

  it('are checked for duplicate ids and conditions that do not fit their fact', () => {
    expect(validateRuleSet(defaultRuleSet)).toEqual([]);
    const rule = defaultRuleSet.rules[0]!;
    const bad: HealthRuleSetBody = {
      ...defaultRuleSet,
      rules: [
        rule,
        { ...rule },
        { ...rule, id: 'x1', when: [{ fact: 'temperature', op: 'eq', value: 'hot' }] },
        { ...rule, id: 'x2', when: [{ fact: 'caseStatus', op: 'in', values: ['zombie'] }] },
        { ...rule, id: 'x3', when: [{ fact: 'quarantine', op: 'eq', value: 'home', withinDays: 3 }] },
      ],
    };
    expect(validateRuleSet(bad)).toEqual([
      { path: 'rules/1/id', code: 'rules.duplicate_id' },
      { path: 'rules/2/when/0/value', code: 'rules.bad_condition' },
      { path: 'rules/3/when/0/value', code: 'rules.bad_condition' },
      { path: 'rules/4/when/0/withinDays', code: 'rules.bad_condition' },
    ]);
  });

  it('cannot be put in force while a rule has no reason or advice for people', () => {
    expect(missingTexts(defaultRuleSet)).toEqual([]);
    const rule = { ...defaultRuleSet.rules[0]!, reason: { 'zh-CN': '', en: 'x' } };
    expect(missingTexts({ ...defaultRuleSet, rules: [rule] })).toEqual([
      { path: 'rules/0/reason/zh-CN', code: 'rules.text_required' },
    ]);
  });

  it('the default set is a valid rule set body by its schema', () => {
    if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));
    expect(Value.Check(HealthRuleSetBody, defaultRuleSet)).toBe(true);
    expect(Value.Check(HealthRuleSetBody, { ...defaultRuleSet, rules: [{ id: 'X', colour: 'blue' }] })).toBe(false);
  });
});

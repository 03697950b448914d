import {
  ruleFacts,
  type HealthExplanation,
  type HealthFacts,
  type HealthRule,
  type HealthRuleSetBody,
  type RuleCondition,
} from '@zhengtong/contracts';

const DAY_MS = 86_400_000;
const SEVERITY = { green: 0, yellow: 1, red: 2 } as const;
const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** The built-in rules (common national practice), in force until a region publishes its own. */
export const defaultRuleSet: HealthRuleSetBody = {
  rules: [
    {
      id: 'confirmed',
      colour: 'red',
      when: [{ fact: 'caseStatus', op: 'in', values: ['confirmed', 'asymptomatic'] }],
      reason: t('您是确诊病例或无症状感染者。', 'You are a confirmed case or an asymptomatic infection.'),
      advice: t(
        '请遵医嘱接受治疗和隔离。治愈出院并由疾控机构解除后，健康码自动转绿。',
        'Follow medical advice and stay isolated. Your code turns green when the health authority records your recovery.',
      ),
    },
    {
      id: 'suspected',
      colour: 'red',
      when: [{ fact: 'caseStatus', op: 'eq', value: 'suspected' }],
      reason: t('您是疑似病例。', 'You are a suspected case.'),
      advice: t(
        '请在指定地点隔离等待检测结果。排除后健康码自动转绿。',
        'Stay isolated where you are told until tested. Your code turns green once the case is ruled out.',
      ),
    },
    {
      id: 'close-q',
      colour: 'red',
      when: [
        { fact: 'contact', op: 'eq', value: 'close' },
        { fact: 'quarantine', op: 'in', values: ['home', 'central'] },
      ],
      reason: t('您是密切接触者，正在隔离医学观察。', 'You are a close contact under quarantine.'),
      advice: t(
        '请留在隔离地点，按时测温和检测。隔离期满且检测阴性后自动转绿。',
        'Stay where you are quarantined and take your temperature and tests on time. Your code turns green when quarantine ends.',
      ),
    },
    {
      id: 'close',
      colour: 'red',
      when: [{ fact: 'contact', op: 'eq', value: 'close', withinDays: 14 }],
      reason: t('流调判定您为密切接触者。', 'Contact tracing found you to be a close contact.'),
      advice: t(
        '请立即居家，不要外出，等待社区联系安排隔离和检测。接触后满 14 天自动转绿。',
        'Stay home and wait for your community to arrange quarantine and tests. Your code turns green 14 days after the contact.',
      ),
    },
    {
      id: 'positive',
      colour: 'red',
      when: [{ fact: 'testResult', op: 'eq', value: 'positive', withinDays: 14 }],
      reason: t('您近 14 天有核酸或抗原检测阳性结果。', 'You tested positive in the last 14 days.'),
      advice: t(
        '请居家隔离并联系社区或发热门诊。检测后满 14 天或复检阴性后转绿。',
        'Isolate at home and call your community or a fever clinic. Your code turns green 14 days after the test or after a negative retest.',
      ),
    },
    {
      id: 'fever',
      colour: 'yellow',
      when: [{ fact: 'temperature', op: 'gte', value: 37.3, withinDays: 7 }],
      reason: t('您近 7 天申报体温 ≥37.3 °C。', 'You declared a temperature of 37.3 °C or more in the last 7 days.'),
      advice: t(
        '请到就近发热门诊就诊，途中佩戴口罩、避免乘坐公共交通。7 天内无新症状申报后自动转绿。',
        'Visit the nearest fever clinic, wear a mask and avoid public transport. Your code turns green after 7 days without new symptoms.',
      ),
    },
    {
      id: 'symptoms',
      colour: 'yellow',
      when: [{ fact: 'symptoms', op: 'eq', value: true, withinDays: 7 }],
      reason: t(
        '您近 7 天申报有咳嗽、乏力等症状。',
        'You declared symptoms such as cough or fatigue in the last 7 days.',
      ),
      advice: t(
        '请减少外出，必要时到发热门诊就诊。7 天内无新症状申报后自动转绿。',
        'Go out as little as possible and see a fever clinic if needed. Your code turns green after 7 days without new symptoms.',
      ),
    },
    {
      id: 'high-risk',
      colour: 'yellow',
      when: [{ fact: 'visitedRisk', op: 'eq', value: 'high', withinDays: 14 }],
      reason: t('您近 14 天到访过高风险地区。', 'You visited a high-risk area in the last 14 days.'),
      advice: t(
        '请主动向社区报备并做一次核酸检测。离开高风险地区满 14 天后自动转绿。',
        'Report to your community and take a PCR test. Your code turns green 14 days after you left the area.',
      ),
    },
    {
      id: 'mid-risk',
      colour: 'yellow',
      when: [{ fact: 'visitedRisk', op: 'eq', value: 'medium', withinDays: 7 }],
      reason: t('您近 7 天到访过中风险地区。', 'You visited a medium-risk area in the last 7 days.'),
      advice: t(
        '请向社区报备并做一次核酸检测。离开中风险地区满 7 天后自动转绿。',
        'Report to your community and take a PCR test. Your code turns green 7 days after you left the area.',
      ),
    },
    {
      id: 'secondary',
      colour: 'yellow',
      when: [{ fact: 'contact', op: 'eq', value: 'secondary', withinDays: 7 }],
      reason: t(
        '您是次密切接触者，或申报了与病例的接触。',
        'You are a secondary contact, or you declared contact with a case.',
      ),
      advice: t(
        '请减少外出并留意症状，等待社区联系。满 7 天后自动转绿。',
        'Go out less, watch for symptoms and wait for your community to contact you. Your code turns green after 7 days.',
      ),
    },
    {
      id: 'home-q',
      colour: 'yellow',
      when: [{ fact: 'quarantine', op: 'eq', value: 'home' }],
      reason: t('您正在居家健康监测。', 'You are under home health monitoring.'),
      advice: t(
        '请留在家中，每日按时上报体温。监测期满后自动转绿。',
        'Stay at home and report your temperature daily. Your code turns green when monitoring ends.',
      ),
    },
  ],
  greenReason: t(
    '未发现您有风险：无病例、密接、隔离或风险地区记录，近期申报无症状。',
    'No risk found: no case, contact, quarantine or risk-area record, and no recent symptoms declared.',
  ),
  greenAdvice: t(
    '请继续做好个人防护，身体不适时及时申报。',
    'Keep protecting yourself, and declare if you feel unwell.',
  ),
};

/** What is known of a person nobody has reported anything about: green under any sensible rules. */
export const noFacts: HealthFacts = {
  caseStatus: 'none',
  contact: 'none',
  quarantine: 'none',
  symptoms: false,
  visitedRisk: 'none',
  testResult: 'none',
};

/** Evaluates one person's facts under a rule set: the most severe matching rule decides. */
export function evaluate(body: HealthRuleSetBody, facts: HealthFacts, now: Date): HealthExplanation {
  const nowMs = now.getTime();
  let decisive: HealthRule | null = null;
  const matched: string[] = [];
  let latestExpiry = -Infinity;
  let unbounded = false;
  for (const rule of body.rules) {
    let expiry = Infinity;
    let holds = true;
    for (const c of rule.when) {
      const r = conditionHolds(c, facts, nowMs);
      if (r === false) {
        holds = false;
        break;
      }
      if (r < expiry) expiry = r;
    }
    if (!holds) continue;
    matched.push(rule.id);
    if (!decisive || SEVERITY[rule.colour] > SEVERITY[decisive.colour]) decisive = rule;
    if (expiry === Infinity) unbounded = true;
    else if (expiry > latestExpiry) latestExpiry = expiry;
  }
  if (!decisive)
    return {
      colour: 'green',
      ruleId: null,
      reason: body.greenReason,
      advice: body.greenAdvice,
      greenAt: null,
      matched,
    };
  return {
    colour: decisive.colour,
    ruleId: decisive.id,
    reason: decisive.reason,
    advice: decisive.advice,
    greenAt: unbounded ? null : new Date(latestExpiry).toISOString(),
    matched,
  };
}

/** false when the condition does not hold; otherwise when it stops holding by itself (Infinity: never). */
function conditionHolds(c: RuleCondition, facts: HealthFacts, nowMs: number): number | false {
  const value = facts[c.fact];
  if (value === undefined) return false;
  let ok: boolean;
  switch (c.op) {
    case 'in':
      ok = c.values !== undefined && (c.values as unknown[]).includes(value);
      break;
    case 'eq':
      ok = value === c.value;
      break;
    case 'gte':
      ok = typeof value === 'number' && typeof c.value === 'number' && value >= c.value;
      break;
    case 'lte':
      ok = typeof value === 'number' && typeof c.value === 'number' && value <= c.value;
      break;
  }
  if (!ok) return false;
  let until = Infinity;
  if (c.withinDays !== undefined) {
    const field = ruleFacts[c.fact].since;
    const at = field ? facts[field] : undefined;
    if (at === undefined) return false;
    until = Date.parse(at) + c.withinDays * DAY_MS;
    if (!(until > nowMs)) return false;
  }
  // A quarantine ends on its set date, even before anyone records the end.
  if (c.fact === 'quarantine' && facts.quarantine !== 'none' && facts.quarantineEndsAt) {
    const ends = Date.parse(facts.quarantineEndsAt);
    if (!(ends > nowMs)) return false;
    if (ends < until) until = ends;
  }
  return until;
}

/** Problems the schema cannot see: duplicate ids, values that do not fit their fact. */
export function validateRuleSet(
  body: HealthRuleSetBody,
): { path: string; code: 'rules.duplicate_id' | 'rules.bad_condition' }[] {
  const problems: { path: string; code: 'rules.duplicate_id' | 'rules.bad_condition' }[] = [];
  const seen = new Set<string>();
  body.rules.forEach((rule, i) => {
    if (seen.has(rule.id)) problems.push({ path: `rules/${i}/id`, code: 'rules.duplicate_id' });
    seen.add(rule.id);
    rule.when.forEach((c, j) => {
      const path = `rules/${i}/when/${j}`;
      const spec = ruleFacts[c.fact];
      let fits: boolean;
      if (spec.kind === 'enum') {
        const allowed = spec.values as readonly string[];
        fits =
          (c.op === 'in' && c.values !== undefined && c.values.every((v) => allowed.includes(v))) ||
          (c.op === 'eq' && typeof c.value === 'string' && allowed.includes(c.value));
      } else if (spec.kind === 'boolean') fits = c.op === 'eq' && typeof c.value === 'boolean';
      else fits = (c.op === 'gte' || c.op === 'lte') && typeof c.value === 'number';
      if (!fits) problems.push({ path: `${path}/value`, code: 'rules.bad_condition' });
      if (c.withinDays !== undefined && !spec.since)
        problems.push({ path: `${path}/withinDays`, code: 'rules.bad_condition' });
    });
  });
  return problems;
}

/**
 * Every colour must be explained to the person in both languages before a rule set is put in force;
 * drafts may be incomplete while they are edited.
 */
export function missingTexts(body: HealthRuleSetBody): { path: string; code: 'rules.text_required' }[] {
  const out: { path: string; code: 'rules.text_required' }[] = [];
  const check = (texts: { 'zh-CN': string; en: string }, path: string) => {
    for (const lang of ['zh-CN', 'en'] as const)
      if (!texts[lang].trim()) out.push({ path: `${path}/${lang}`, code: 'rules.text_required' });
  };
  body.rules.forEach((r, i) => {
    check(r.reason, `rules/${i}/reason`);
    check(r.advice, `rules/${i}/advice`);
  });
  check(body.greenReason, 'greenReason');
  check(body.greenAdvice, 'greenAdvice');
  return out;
}

/** Sample people for previewing a draft, with times relative to now. */
export function sampleFacts(now: Date): { label: { 'zh-CN': string; en: string }; facts: HealthFacts }[] {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const base: HealthFacts = { ...noFacts, declaredAt: ago(0) };
  return [
    { label: t('健康，今日已申报', 'Healthy, declared today'), facts: base },
    {
      label: t('昨日申报发热 38.1 °C', 'Declared a fever of 38.1 °C yesterday'),
      facts: { ...base, symptoms: true, temperature: 38.1, declaredAt: ago(1) },
    },
    {
      label: t('2 天前申报咳嗽', 'Declared a cough 2 days ago'),
      facts: { ...base, symptoms: true, temperature: 36.6, declaredAt: ago(2) },
    },
    {
      label: t('3 天前到访高风险地区', 'Visited a high-risk area 3 days ago'),
      facts: { ...base, visitedRisk: 'high', visitedRiskAt: ago(3) },
    },
    {
      label: t('2 天前判定为密接，集中隔离中', 'Close contact since 2 days ago, in central quarantine'),
      facts: {
        ...base,
        contact: 'close',
        contactSince: ago(2),
        quarantine: 'central',
        quarantineEndsAt: new Date(now.getTime() + 12 * DAY_MS).toISOString(),
      },
    },
    {
      label: t('10 天前判定为次密接', 'Secondary contact since 10 days ago'),
      facts: { ...base, contact: 'secondary', contactSince: ago(10) },
    },
    { label: t('确诊病例', 'Confirmed case'), facts: { ...base, caseStatus: 'confirmed', caseSince: ago(4) } },
    { label: t('已治愈出院', 'Recovered case'), facts: { ...base, caseStatus: 'recovered', caseSince: ago(20) } },
    { label: t('昨日核酸阴性', 'Negative test yesterday'), facts: { ...base, testResult: 'negative', testAt: ago(1) } },
  ];
}

/** Each sample's explanation under a rule set. */
export function preview(
  body: HealthRuleSetBody,
  samples: { label: string; facts: HealthFacts }[],
  now: Date,
): { label: string; explanation: HealthExplanation }[] {
  return samples.map((s) => ({ label: s.label, explanation: evaluate(body, s.facts, now) }));
}

import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type {
  Declaration,
  DeclarationInput,
  HealthCode,
  HealthExplanation,
  HealthFacts,
  HealthRuleSetBody,
  HealthStatus,
  RegionRef,
} from '@zhengtong/contracts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { shanghaiDate } from '../../platform/time.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { CredentialsService } from '../credentials/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { OverridesRepository } from './health-code.overrides.repository.ts';
import type { HealthCodeRepository } from './health-code.repository.ts';
import {
  defaultRuleSet,
  evaluate,
  missingTexts,
  noFacts,
  preview,
  sampleFacts,
  validateRuleSet,
} from './health-code.rules.ts';
import type { OverrideRow, RuleSetRow, SubjectRow } from './health-code.tables.ts';

/** Published whenever a person's colour changes; carries no personal data beyond the pseudonymous id. */
export const COLOUR_CHANGED = 'health-code.colour-changed';
export interface ColourChanged {
  residentId: string;
  regionCode: string;
  colour: HealthExplanation['colour'];
  previous: HealthExplanation['colour'] | null;
  ruleId: string | null;
}

export const RECOMPUTE_JOB = 'health-code.recompute';

/** Facts other modules own: case status, contacts, quarantine, test results. */
export type FactsPatch = Partial<
  Pick<
    HealthFacts,
    | 'caseStatus'
    | 'caseSince'
    | 'contact'
    | 'contactSince'
    | 'quarantine'
    | 'quarantineEndsAt'
    | 'testResult'
    | 'testAt'
  >
>;

export interface HealthCodeOptions {
  /** The instance's region: the built-in default rule set applies there. */
  region: string;
  lifetimeSeconds: number;
  refreshSeconds: number;
  declarationRetentionDays: number;
  maxProxies: number;
}

interface ActiveRuleSet {
  id: string | null;
  version: number;
  regionCode: string;
  body: HealthRuleSetBody;
}

const AUTHORITY_FACTS = [
  'caseStatus',
  'caseSince',
  'contact',
  'contactSince',
  'quarantine',
  'quarantineEndsAt',
  'testResult',
  'testAt',
] as const satisfies readonly (keyof HealthFacts)[];
const RISK_ORDER = ['none', 'low', 'medium', 'high'] as const;
const MEMO_MS = 10_000;
const DAY_MS = 86_400_000;
const BATCH = 1000;
/** Printed code cards (代申报 for people without any phone) are reissued weekly. */
export const CARD_LIFETIME_SECONDS = 7 * 86_400;

export class HealthCodeService {
  private published: { byRegion: Map<string, ActiveRuleSet>; at: number } | null = null;

  constructor(
    private readonly repo: HealthCodeRepository,
    private readonly identity: IdentityService,
    private readonly credentials: CredentialsService,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly jobs: Jobs,
    private readonly options: HealthCodeOptions,
    private readonly overrides: OverridesRepository,
  ) {}

  // ---------- residents: declarations and codes ----------

  /** A resident's health declaration (健康申报); the colour is recomputed at once. */
  async declare(actor: Actor, input: DeclarationInput): Promise<HealthStatus> {
    const residentId = this.ownResident(actor);
    await this.declareFor(actor, residentId, input, null);
    return this.statusFor(residentId);
  }

  private async declareFor(actor: Actor, residentId: string, input: DeclarationInput, proxyId: string | null) {
    const resident = (await this.identity.residentRef(residentId))!;
    const now = new Date();
    const problems: FieldProblem[] = [];
    if (input.temperature !== undefined && (input.temperature < 34 || input.temperature > 43))
      problems.push({ path: 'temperature', code: 'health_code.temperature_range' });
    const today = shanghaiDate(now);
    const earliest = shanghaiDate(new Date(now.getTime() - 14 * DAY_MS));
    input.visited.forEach((v, i) => {
      if (v.date > today || v.date < earliest)
        problems.push({ path: `visited/${i}/date`, code: 'health_code.date_range' });
    });
    const refs = await this.regions.refs(input.visited.map((v) => v.regionCode));
    input.visited.forEach((v, i) => {
      if (!refs.has(v.regionCode)) problems.push({ path: `visited/${i}/regionCode`, code: 'region.unknown' });
    });
    if (problems.length) throw invalid('request.invalid', problems);

    const { consent: _consent, ...body } = input;
    const ruleSet = await this.ruleSetFor(resident.regionCode);
    await this.repo.db.transaction().execute(async (trx) => {
      const subject = await this.lockedSubject(resident, trx);
      const facts = this.factsOf(subject);
      facts.symptoms = input.symptoms.length > 0;
      facts.temperature = input.temperature;
      facts.declaredAt = now.toISOString();
      const declared = RISK_ORDER.indexOf(input.riskAreaVisit);
      const stillCounts =
        facts.visitedRiskAt !== undefined && now.getTime() - Date.parse(facts.visitedRiskAt) < 14 * DAY_MS;
      if (declared > 0 && (!stillCounts || declared >= RISK_ORDER.indexOf(facts.visitedRisk))) {
        facts.visitedRisk = input.riskAreaVisit;
        const lastVisit = input.visited
          .map((v) => v.date)
          .sort()
          .at(-1);
        facts.visitedRiskAt = lastVisit ? new Date(`${lastVisit}T12:00:00+08:00`).toISOString() : now.toISOString();
      } else if (!stillCounts) {
        facts.visitedRisk = 'none';
        delete facts.visitedRiskAt;
      }
      // A declared contact with a case counts as a secondary contact until tracing says more.
      if (input.contactWithCase && facts.contact === 'none') {
        facts.contact = 'secondary';
        facts.contactSince = now.toISOString();
      }
      await this.repo.insertDeclaration(
        {
          id: uuidv7(),
          resident_id: residentId,
          region_code: resident.regionCode,
          declared_by: proxyId ? 'proxy' : 'self',
          proxy_id: proxyId,
          body_enc: this.vault.encrypt('declaration', JSON.stringify(body)),
          declared_at: now,
        },
        trx,
      );
      await this.save(subject, facts, ruleSet, now, trx, {
        consent_at: subject.consent_at ?? now,
        last_declaration_at: now,
      });
      await this.audit.record(
        actor,
        {
          action: 'create',
          subjectType: 'health-declaration',
          subjectId: residentId,
          purpose: proxyId ? 'proxy-declaration' : 'own-record',
          fields: ['health'],
          regionCode: resident.regionCode,
        },
        trx,
      );
    });
  }

  /** The resident's colour with its plain-language explanation. */
  async status(actor: Actor): Promise<HealthStatus> {
    return this.statusFor(this.ownResident(actor));
  }

  /** A freshly signed code: the page shows it as a QR and asks again before it expires. */
  async code(actor: Actor): Promise<HealthCode> {
    return this.codeFor(this.ownResident(actor), this.options.lifetimeSeconds);
  }

  // ---------- 代申报: proxies for people without a smartphone ----------

  /** A resident starts holding the code of a family member, proven by the member's ID number and name. */
  async addProxy(actor: Actor, input: { idNumber: string; name: string; relation: string }) {
    const holderId = this.ownResident(actor);
    const subject = await this.identity.matchResident(input.idNumber, input.name);
    await this.audit.record(actor, {
      action: 'lookup',
      subjectType: 'resident',
      subjectId: subject?.id ?? null,
      purpose: 'proxy-binding',
      fields: ['idNumber', 'name'],
      regionCode: subject?.regionCode ?? null,
    });
    if (!subject)
      throw invalid('health_code.proxy_no_match', [{ path: 'idNumber', code: 'health_code.proxy_no_match' }]);
    if (subject.id === holderId) throw invalid('health_code.proxy_self');
    const held = await this.repo.activeProxiesOf(holderId);
    if (held.length >= this.options.maxProxies) throw new AppError('conflict', 'health_code.proxy_limit');
    await this.repo.insertProxy({
      id: uuidv7(),
      holder_kind: 'resident',
      holder_id: holderId,
      subject_resident_id: subject.id,
      relation: input.relation,
      revoked_at: null,
    });
    return this.listProxies(actor);
  }

  /** The people this resident holds codes for, with their colours. */
  async listProxies(actor: Actor) {
    const rows = await this.repo.activeProxiesOf(this.ownResident(actor));
    const items = [];
    for (const r of rows) {
      const ref = (await this.identity.residentRef(r.subject_resident_id))!;
      const subject = await this.repo.subject(r.subject_resident_id);
      items.push({
        id: r.id,
        relation: r.relation,
        maskedName: ref.maskedName,
        colour: subject ? (await this.statusOf(subject, new Date())).colour : null,
        createdAt: r.created_at.toISOString(),
      });
    }
    return { items, limit: this.options.maxProxies };
  }

  async removeProxy(actor: Actor, proxyId: string) {
    await this.proxySubject(actor, proxyId);
    await this.repo.revokeProxy(proxyId);
    return this.listProxies(actor);
  }

  async declareAsProxy(actor: Actor, proxyId: string, input: DeclarationInput): Promise<HealthStatus> {
    const residentId = await this.proxySubject(actor, proxyId);
    await this.declareFor(actor, residentId, input, proxyId);
    return this.statusFor(residentId);
  }

  async proxyCode(actor: Actor, proxyId: string): Promise<HealthCode> {
    return this.codeFor(await this.proxySubject(actor, proxyId), this.options.lifetimeSeconds);
  }

  /**
   * A grid worker prints a code card for a resident of their grid (no phone at all). The card lives a
   * week; online checkpoints read the person's current colour instead of the printed one.
   */
  async printCard(actor: Actor, residentId: string): Promise<HealthCode> {
    if (!actor.permissions.includes('health.proxy')) throw forbidden();
    const ref = await this.identity.residentRef(residentId);
    if (!ref || !can(actor, 'health.proxy', ref.regionCode)) throw notFound('resident.not_found');
    await this.audit.record(actor, {
      action: 'print',
      subjectType: 'health-code',
      subjectId: residentId,
      purpose: 'code-card',
      fields: ['health'],
      regionCode: ref.regionCode,
    });
    return this.codeFor(residentId, CARD_LIFETIME_SECONDS);
  }

  /** A grid worker declares for a resident of their grid (代申报). */
  async declareForResident(actor: Actor, residentId: string, input: DeclarationInput): Promise<HealthStatus> {
    if (!actor.permissions.includes('health.proxy')) throw forbidden();
    const ref = await this.identity.residentRef(residentId);
    if (!ref || !can(actor, 'health.proxy', ref.regionCode)) throw notFound('resident.not_found');
    await this.declareFor(actor, residentId, input, actor.id);
    return this.statusFor(residentId);
  }

  /** The current colour behind a pseudonym: online checkpoints use it for long-lived printed cards. */
  async currentColourOf(pseudonym: string): Promise<HealthExplanation['colour'] | null> {
    const subject = await this.repo.subjectByPseudonym(pseudonym);
    return subject ? (await this.statusOf(subject, new Date())).colour : null;
  }

  /** For other modules: the person a resident holds codes for under this proxy (404 when not theirs). */
  async proxySubject(actor: Actor, proxyId: string): Promise<string> {
    const holderId = this.ownResident(actor);
    const proxy = await this.repo.activeProxy(proxyId);
    if (!proxy || proxy.holder_id !== holderId) throw notFound();
    return proxy.subject_resident_id;
  }

  /** A code needs a declaration made with consent, unless a health authority has set a fact. */
  private async statusFor(residentId: string): Promise<HealthStatus> {
    const subject = await this.repo.subject(residentId);
    if (!subject || (!subject.consent_at && !hasAuthorityFacts(this.factsOf(subject))))
      throw new AppError('conflict', 'health_code.declaration_required');
    return this.statusOf(subject, new Date());
  }

  private async codeFor(residentId: string, lifetimeSeconds: number): Promise<HealthCode> {
    const status = await this.statusFor(residentId);
    const subject = (await this.repo.subject(residentId))!;
    const signed = await this.credentials.sign(
      {
        t: 'hc',
        c: status.colour,
        n: faceCheckName(subject.masked_name),
        ...(status.explanation.ruleId ? { r: status.explanation.ruleId } : {}),
      },
      subject.pseudonym,
      lifetimeSeconds,
    );
    return {
      ...status,
      text: signed.text,
      issuedAt: new Date(signed.iat * 1000).toISOString(),
      expiresAt: new Date(signed.exp * 1000).toISOString(),
      refreshAfterSeconds: this.options.refreshSeconds,
    };
  }

  /** The resident's own declarations, decrypted for them (audited like any read). */
  async myDeclarations(actor: Actor): Promise<Declaration[]> {
    const residentId = this.ownResident(actor);
    const rows = await this.repo.declarationsOf(residentId, 50);
    if (!rows.length) return [];
    const regionCode = rows[0]!.region_code;
    await this.audit.record(actor, {
      action: 'read',
      subjectType: 'health-declaration',
      subjectId: residentId,
      purpose: 'own-record',
      fields: ['health'],
      regionCode,
    });
    const bodies = rows.map(
      (r) => JSON.parse(this.vault.process('declaration', r.body_enc)) as Omit<DeclarationInput, 'consent'>,
    );
    const refs = await this.regions.refs(bodies.flatMap((b) => b.visited.map((v) => v.regionCode)));
    return rows.map((r, i) => {
      const b = bodies[i]!;
      return {
        id: r.id,
        declaredAt: r.declared_at.toISOString(),
        declaredBy: r.declared_by,
        temperature: b.temperature ?? null,
        symptoms: b.symptoms,
        visited: b.visited.map((v) => ({ region: refs.get(v.regionCode)!, date: v.date })),
        riskAreaVisit: b.riskAreaVisit,
        contactWithCase: b.contactWithCase,
      };
    });
  }

  // ---------- data rights ----------

  /** What the health-code module holds about a resident: colour, consent and every declaration. */
  async personalData(actor: Actor) {
    const residentId = this.ownResident(actor);
    const subject = await this.repo.subject(residentId);
    return {
      pseudonym: subject?.pseudonym ?? null,
      colour: subject ? (await this.statusOf(subject, new Date())).colour : null,
      consentAt: subject?.consent_at?.toISOString() ?? null,
      lastDeclarationAt: subject?.last_declaration_at?.toISOString() ?? null,
      declarations: await this.myDeclarations(actor),
    };
  }

  /**
   * Consent withdrawn: declarations and everything derived from them are deleted, and a new code needs
   * a new declaration. Facts set by health authorities (cases, contacts, quarantine, tests) rest on
   * public-health law, not consent, and stay.
   */
  async withdrawConsent(actor: Actor): Promise<{ declarations: number }> {
    const residentId = this.ownResident(actor);
    const current = await this.repo.subject(residentId);
    const ruleSet = current ? await this.ruleSetFor(current.region_code) : null;
    return this.repo.db.transaction().execute(async (trx) => {
      const subject = await this.repo.subjectForUpdate(residentId, trx);
      const declarations = await this.repo.deleteDeclarationsOf(residentId, trx);
      if (subject) {
        const facts = this.factsOf(subject);
        const kept: HealthFacts = { ...noFacts };
        for (const key of AUTHORITY_FACTS) if (facts[key] !== undefined) Object.assign(kept, { [key]: facts[key] });
        await this.save(subject, kept, ruleSet!, new Date(), trx, { consent_at: null, last_declaration_at: null });
      }
      await this.audit.record(
        actor,
        {
          action: 'delete',
          subjectType: 'health-declaration',
          subjectId: residentId,
          purpose: 'consent-withdrawn',
          fields: ['health'],
        },
        trx,
      );
      return { declarations };
    });
  }

  /** Erasure: declarations go, and the code record too unless a health authority's fact must stay. */
  async erase(actor: Actor): Promise<{ declarations: number; codeRecord: 'deleted' | 'kept' | 'none' }> {
    const residentId = this.ownResident(actor);
    const { declarations } = await this.withdrawConsent(actor);
    const subject = await this.repo.subject(residentId);
    if (!subject) return { declarations, codeRecord: 'none' };
    if (hasAuthorityFacts(this.factsOf(subject))) return { declarations, codeRecord: 'kept' };
    await this.repo.deleteSubject(residentId);
    return { declarations, codeRecord: 'deleted' };
  }

  // ---------- other modules ----------

  /**
   * Case reporting, contact tracing and quarantine change a person's facts here; the colour and its
   * explanation are recomputed at once, and a change is published as an event.
   */
  async setFacts(residentId: string, patch: FactsPatch, actor: Actor): Promise<HealthExplanation> {
    const e = (await this.setFactsMany([{ residentId, patch }], actor)).get(residentId);
    if (!e) throw notFound('resident.not_found');
    return e;
  }

  /**
   * The same for many people at once (contact tracing marks hundreds per case): one transaction of a
   * few statements whatever the number. People who are not registered residents are left out of the
   * answer.
   */
  async setFactsMany(
    changes: { residentId: string; patch: FactsPatch }[],
    actor: Actor,
  ): Promise<Map<string, HealthExplanation>> {
    const patches = new Map<string, FactsPatch>();
    for (const c of changes) patches.set(c.residentId, { ...patches.get(c.residentId), ...c.patch });
    const residents = [...(await this.identity.residentCards([...patches.keys()])).values()];
    const answers = new Map<string, HealthExplanation>();
    if (!residents.length) return answers;
    const now = new Date();
    const ruleSets = new Map<string, ActiveRuleSet>();
    for (const r of residents)
      if (!ruleSets.has(r.regionCode)) ruleSets.set(r.regionCode, await this.ruleSetFor(r.regionCode));
    await this.repo.db.transaction().execute(async (trx) => {
      const subjects = await this.repo.subjectsForUpdate(
        residents.map((r) => r.id),
        trx,
      );
      // Most already have a code; only the others get one made (and encrypted) first.
      const have = new Set(subjects.map((s) => s.resident_id));
      const missing = residents.filter((r) => !have.has(r.id));
      if (missing.length) {
        await this.repo.insertSubjects(
          missing.map((r) => this.newSubject(r)),
          trx,
        );
        subjects.push(
          ...(await this.repo.subjectsForUpdate(
            missing.map((r) => r.id),
            trx,
          )),
        );
      }
      const regionOf = new Map(residents.map((r) => [r.id, r.regionCode]));
      const updates = [];
      const changed: ColourChanged[] = [];
      for (const subject of subjects) {
        const ruleSet = ruleSets.get(regionOf.get(subject.resident_id)!)!;
        const facts = { ...this.factsOf(subject), ...patches.get(subject.resident_id) };
        const e = withOverride(evaluate(ruleSet.body, facts, now), subject, now);
        answers.set(subject.resident_id, e);
        updates.push({
          residentId: subject.resident_id,
          factsEnc: this.vault.encrypt('healthFacts', JSON.stringify(facts)),
          colour: e.colour,
          ruleSetId: ruleSet.id,
          ruleId: e.ruleId,
          greenAt: e.greenAt ? new Date(e.greenAt) : null,
        });
        if (e.colour !== subject.colour)
          changed.push({
            residentId: subject.resident_id,
            regionCode: subject.region_code,
            colour: e.colour,
            previous: subject.colour,
            ruleId: e.ruleId,
          });
      }
      await this.repo.updateFactsAndColours(updates, trx);
      await this.events.publishMany(trx, COLOUR_CHANGED, changed);
      await this.audit.recordMany(
        actor,
        residents.map((r) => ({
          action: 'update' as const,
          subjectType: 'health-code',
          subjectId: r.id,
          purpose: 'health-status' as const,
          fields: Object.keys(patches.get(r.id)!),
          regionCode: r.regionCode,
        })),
        trx,
      );
    });
    return answers;
  }

  /** Re-evaluates and stores one person's colour now (after an override began or ended). */
  async refresh(residentId: string): Promise<void> {
    const current = await this.repo.subject(residentId);
    if (!current) return;
    const ruleSet = await this.ruleSetFor(current.region_code);
    await this.repo.db.transaction().execute(async (trx) => {
      const subject = (await this.repo.subjectForUpdate(residentId, trx))!;
      await this.save(subject, this.factsOf(subject), ruleSet, new Date(), trx);
    });
  }

  /** What a resident's place check-in needs: the pseudonym, the face-check name and the colour now. */
  async holderOf(residentId: string): Promise<{ pseudonym: string; maskedName: string; status: HealthStatus } | null> {
    const subject = await this.repo.subject(residentId);
    if (!subject) return null;
    return {
      pseudonym: subject.pseudonym,
      maskedName: subject.masked_name,
      status: await this.statusOf(subject, new Date()),
    };
  }

  /** The pseudonym under which a resident's check-ins are kept, if they have a code. */
  async pseudonymOf(residentId: string): Promise<string | null> {
    return (await this.repo.subject(residentId))?.pseudonym ?? null;
  }

  /** The pseudonyms of residents who have a code (contact tracing): resident id → pseudonym. */
  async pseudonymsOf(residentIds: string[]): Promise<Map<string, string>> {
    const rows = await this.repo.pseudonymsOf([...new Set(residentIds)]);
    return new Map(rows.map((r) => [r.resident_id, r.pseudonym]));
  }

  /** Gives residents a (green) code if they have none yet, many at once; answers resident id → pseudonym. */
  async ensureCodes(residentIds: string[]): Promise<Map<string, string>> {
    const cards = [...(await this.identity.residentCards(residentIds)).values()];
    await this.repo.insertSubjects(
      cards.map((r) => this.newSubject(r)),
      this.repo.db,
    );
    return this.pseudonymsOf(residentIds);
  }

  /** Who is behind check-in pseudonyms (contact tracing): pseudonym → resident id. */
  async residentsOfPseudonyms(pseudonyms: string[]): Promise<Map<string, string>> {
    const rows = await this.repo.residentsOfPseudonyms([...new Set(pseudonyms)]);
    return new Map(rows.map((r) => [r.pseudonym, r.resident_id]));
  }

  // ---------- checkpoint staff ----------

  /** 人证码: the colour of the person holding an ID number, nothing else; every lookup is audited. */
  async lookupByIdNumber(actor: Actor, idNumber: string, purpose: string) {
    if (!actor.permissions.includes('health.verify')) throw forbidden();
    const resident = await this.identity.residentRefByIdNumber(idNumber);
    const subject = resident ? await this.repo.subject(resident.id) : undefined;
    await this.audit.record(actor, {
      action: 'lookup',
      subjectType: 'health-code',
      subjectId: resident?.id ?? null,
      purpose: `id-card-check: ${purpose}`,
      fields: ['idNumber', 'health'],
      regionCode: resident?.regionCode ?? null,
    });
    if (!subject) return { found: false, colour: null };
    return { found: true, colour: (await this.statusOf(subject, new Date())).colour };
  }

  // ---------- rule sets ----------

  /** Rule sets of regions within the actor's jurisdiction, newest first, with the one in force. */
  async listRuleSets(actor: Actor) {
    this.requireRules(actor, null);
    const rows = await this.repo.ruleSetsWithin(actor.jurisdiction ?? '', 200);
    const refs = await this.regions.refs([...rows.map((r) => r.region_code), this.options.region]);
    const builtIn = {
      id: null,
      version: 0,
      status: 'built-in' as const,
      region: refs.get(this.options.region)!,
      body: defaultRuleSet,
      note: '',
      createdBy: 'system',
      createdAt: null,
      publishedAt: null,
    };
    return { items: [...rows.map((r) => ruleSetView(r, refs.get(r.region_code)!)), builtIn] };
  }

  /** A new draft for a region, starting from the rules in force there unless a body is given. */
  async createDraft(actor: Actor, input: { regionCode: string; body?: HealthRuleSetBody; note?: string }) {
    const region = await this.regions.requireRef(input.regionCode);
    this.requireRules(actor, region.code);
    const body = input.body ?? (await this.ruleSetFor(region.code)).body;
    this.requireValid(body);
    const id = uuidv7();
    await this.repo.db.transaction().execute(async (trx) => {
      const version = await this.repo.nextVersion(region.code, trx);
      await this.repo.insertRuleSet(
        {
          id,
          region_code: region.code,
          version,
          status: 'draft',
          body,
          note: input.note ?? '',
          created_by: actor.label,
          published_by: null,
          published_at: null,
        },
        trx,
      );
      await this.audit.record(
        actor,
        {
          action: 'create',
          subjectType: 'health-rule-set',
          subjectId: id,
          purpose: 'rule-editing',
          regionCode: region.code,
        },
        trx,
      );
    });
    return this.ruleSetById(actor, id);
  }

  async updateDraft(actor: Actor, id: string, input: { body: HealthRuleSetBody; note?: string }) {
    const row = await this.ruleSetRow(actor, id);
    if (row.status !== 'draft') throw new AppError('conflict', 'rules.not_draft');
    this.requireValid(input.body);
    await this.repo.updateDraft(id, input.body, input.note ?? row.note);
    await this.audit.record(actor, {
      action: 'update',
      subjectType: 'health-rule-set',
      subjectId: id,
      purpose: 'rule-editing',
      regionCode: row.region_code,
    });
    return this.ruleSetById(actor, id);
  }

  /** Puts a draft in force; every code in the region shows it from the next read, stored colours follow in a job. */
  async publish(actor: Actor, id: string) {
    const row = await this.ruleSetRow(actor, id);
    if (row.status !== 'draft') throw new AppError('conflict', 'rules.not_draft');
    const untold = missingTexts(row.body);
    if (untold.length)
      throw invalid(
        'rules.text_required',
        untold.map((p) => ({ path: `body/${p.path}`, code: p.code })),
      );
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.publish(id, row.region_code, actor.label, trx);
      await this.audit.record(
        actor,
        {
          action: 'publish',
          subjectType: 'health-rule-set',
          subjectId: id,
          purpose: 'rule-editing',
          regionCode: row.region_code,
        },
        trx,
      );
      await this.jobs.sendWithin(trx, RECOMPUTE_JOB, { regionCode: row.region_code });
    });
    this.published = null;
    return this.ruleSetById(actor, id);
  }

  /** Explanations of the sample people under a rule set body, beside those under the rules in force. */
  async previewRuleSet(actor: Actor, regionCode: string, body: HealthRuleSetBody) {
    const region = await this.regions.requireRef(regionCode);
    this.requireRules(actor, region.code);
    this.requireValid(body);
    const now = new Date();
    const current = await this.ruleSetFor(region.code);
    const samples = sampleFacts(now).map((s) => ({ label: s.label['zh-CN'], facts: s.facts }));
    const before = preview(current.body, samples, now);
    const after = preview(body, samples, now);
    return {
      items: sampleFacts(now).map((s, i) => ({
        label: s.label,
        facts: s.facts,
        current: before[i]!.explanation,
        draft: after[i]!.explanation,
      })),
    };
  }

  /** Recomputes the stored colour of everyone in a region (after a rule change); answers how many changed. */
  async recompute(regionPrefix: string): Promise<{ processed: number; changed: number }> {
    const now = new Date();
    let after: string | null = null;
    let processed = 0;
    let changed = 0;
    for (;;) {
      const rows = await this.repo.subjectsWithin(regionPrefix, after, BATCH);
      if (!rows.length) break;
      const updates = [];
      for (const row of rows) {
        const ruleSet = await this.ruleSetFor(row.region_code);
        const e = withOverride(evaluate(ruleSet.body, this.factsOf(row), now), row, now);
        const greenAt = e.greenAt ? new Date(e.greenAt) : null;
        if (
          e.colour !== row.colour ||
          e.ruleId !== row.rule_id ||
          ruleSet.id !== row.rule_set_id ||
          greenAt?.getTime() !== row.green_at?.getTime()
        )
          updates.push({
            residentId: row.resident_id,
            colour: e.colour,
            ruleSetId: ruleSet.id,
            ruleId: e.ruleId,
            greenAt,
          });
        if (e.colour !== row.colour) changed++;
      }
      await this.repo.updateColours(updates);
      processed += rows.length;
      after = rows[rows.length - 1]!.resident_id;
    }
    return { processed, changed };
  }

  /** Returns to green everyone whose observation period has ended (scheduled). */
  async returnDueToGreen(now = new Date()): Promise<number> {
    let n = 0;
    for (;;) {
      const due = await this.repo.dueForGreen(now, BATCH);
      if (!due.length) return n;
      for (const { resident_id, region_code } of due) {
        const ruleSet = await this.ruleSetFor(region_code);
        await this.repo.db.transaction().execute(async (trx) => {
          const subject = await this.repo.subjectForUpdate(resident_id, trx);
          if (subject) await this.save(subject, this.factsOf(subject), ruleSet, now, trx);
        });
      }
      n += due.length;
      if (due.length < BATCH) return n;
    }
  }

  /** Deletes declarations older than the retention period; answers how many. */
  async purgeDeclarations(now = new Date()): Promise<{ cutoff: Date; rows: number }> {
    const cutoff = new Date(now.getTime() - this.options.declarationRetentionDays * DAY_MS);
    return { cutoff, rows: await this.repo.purgeDeclarations(cutoff) };
  }

  countSubjects(regionPrefix: string) {
    return this.repo.countSubjects(regionPrefix);
  }

  // ---------- internals ----------

  /** The published rule set of the nearest enclosing region, or the built-in default. */
  async ruleSetFor(regionCode: string): Promise<ActiveRuleSet> {
    if (!this.published || Date.now() - this.published.at > MEMO_MS) {
      const rows = await this.repo.publishedRuleSets();
      this.published = {
        byRegion: new Map(
          rows.map((r) => [r.region_code, { id: r.id, version: r.version, regionCode: r.region_code, body: r.body }]),
        ),
        at: Date.now(),
      };
    }
    for (let len = regionCode.length; len >= 2; len--) {
      const found = this.published.byRegion.get(regionCode.slice(0, len));
      if (found) return found;
    }
    return { id: null, version: 0, regionCode: this.options.region, body: defaultRuleSet };
  }

  private async statusOf(subject: SubjectRow, now: Date): Promise<HealthStatus> {
    const ruleSet = await this.ruleSetFor(subject.region_code);
    let explanation = evaluate(ruleSet.body, this.factsOf(subject), now);
    if (overrideInForce(subject, now)) {
      const o = await this.overrides.override(subject.override_id!);
      explanation = withOverride(explanation, subject, now, o ? overrideTexts(o) : undefined);
    }
    const region = await this.regions.requireRef(ruleSet.regionCode);
    return {
      colour: explanation.colour,
      explanation,
      ruleSet: { id: ruleSet.id, version: ruleSet.version, region },
      maskedName: subject.masked_name,
      updatedAt: subject.updated_at.toISOString(),
      lastDeclarationAt: subject.last_declaration_at?.toISOString() ?? null,
    };
  }

  /**
   * Evaluates and stores a subject's facts and colour; publishes a colour change. The rule set is looked
   * up before the transaction: the embedded database has one connection, held by the transaction.
   */
  private async save(
    subject: SubjectRow,
    facts: HealthFacts,
    ruleSet: ActiveRuleSet,
    now: Date,
    trx: HealthCodeRepository['db'],
    extra: Partial<Pick<SubjectRow, 'consent_at' | 'last_declaration_at'>> = {},
  ): Promise<HealthExplanation> {
    const e = withOverride(evaluate(ruleSet.body, facts, now), subject, now);
    await this.repo.updateSubject(
      subject.resident_id,
      {
        facts_enc: this.vault.encrypt('healthFacts', JSON.stringify(facts)),
        colour: e.colour,
        rule_set_id: ruleSet.id,
        rule_id: e.ruleId,
        green_at: e.greenAt ? new Date(e.greenAt) : null,
        ...extra,
      },
      trx,
    );
    if (e.colour !== subject.colour) {
      const fact: ColourChanged = {
        residentId: subject.resident_id,
        regionCode: subject.region_code,
        colour: e.colour,
        previous: subject.colour,
        ruleId: e.ruleId,
      };
      await this.events.publish(trx, COLOUR_CHANGED, fact);
    }
    return e;
  }

  /** The subject row, created green on first use, locked for the rest of the transaction. */
  private async lockedSubject(
    resident: { id: string; regionCode: string; maskedName: string },
    trx: HealthCodeRepository['db'],
  ) {
    await this.repo.insertSubject(this.newSubject(resident), trx);
    return (await this.repo.subjectForUpdate(resident.id, trx))!;
  }

  private newSubject(resident: { id: string; regionCode: string; maskedName: string }) {
    return {
      resident_id: resident.id,
      region_code: resident.regionCode,
      pseudonym: randomBytes(12).toString('base64url'),
      masked_name: resident.maskedName,
      facts_enc: this.vault.encrypt('healthFacts', JSON.stringify(noFacts)),
      colour: 'green' as const,
      rule_set_id: null,
      rule_id: null,
      green_at: null,
      consent_at: null,
      last_declaration_at: null,
    };
  }

  private factsOf(subject: SubjectRow): HealthFacts {
    return JSON.parse(this.vault.process('healthFacts', subject.facts_enc)) as HealthFacts;
  }

  private ownResident(actor: Actor): string {
    if (actor.kind !== 'resident') throw forbidden();
    if (!actor.residentId) throw new AppError('conflict', 'health_code.no_resident');
    return actor.residentId;
  }

  private requireRules(actor: Actor, regionCode: string | null) {
    if (!actor.permissions.includes('health.rules')) throw forbidden();
    if (regionCode !== null && !can(actor, 'health.rules', regionCode))
      throw invalid('region.outside_jurisdiction', [{ path: 'regionCode', code: 'region.outside_jurisdiction' }]);
  }

  private requireValid(body: HealthRuleSetBody) {
    const problems = validateRuleSet(body);
    if (problems.length)
      throw invalid(
        'request.invalid',
        problems.map((p) => ({ path: `body/${p.path}`, code: p.code as FieldProblem['code'] })),
      );
  }

  private async ruleSetRow(actor: Actor, id: string): Promise<RuleSetRow> {
    this.requireRules(actor, null);
    const row = await this.repo.ruleSet(id);
    if (!row || !can(actor, 'health.rules', row.region_code)) throw notFound();
    return row;
  }

  private async ruleSetById(actor: Actor, id: string) {
    const row = await this.ruleSetRow(actor, id);
    return ruleSetView(row, await this.regions.requireRef(row.region_code));
  }
}

function ruleSetView(r: RuleSetRow, region: RegionRef) {
  return {
    id: r.id as string | null,
    version: r.version,
    status: r.status as RuleSetRow['status'] | 'built-in',
    region,
    body: r.body,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString() as string | null,
    publishedAt: r.published_at?.toISOString() ?? null,
  };
}

function overrideInForce(s: Pick<SubjectRow, 'override_colour' | 'override_until'>, now: Date): boolean {
  return s.override_colour !== null && s.override_until !== null && s.override_until > now;
}

/**
 * An approved manual colour wins over the rules until it ends; the person is told it was set by hand,
 * by whom it was approved and on what legal basis.
 */
function withOverride(
  e: HealthExplanation,
  s: Pick<SubjectRow, 'override_colour' | 'override_until'>,
  now: Date,
  texts?: Pick<HealthExplanation, 'reason' | 'advice'>,
): HealthExplanation {
  if (!overrideInForce(s, now)) return e;
  const until = s.override_until!.toISOString();
  const greenAt =
    s.override_colour === 'green'
      ? null
      : e.colour === 'green'
        ? until
        : e.greenAt && e.greenAt > until
          ? e.greenAt
          : e.greenAt && until;
  return {
    colour: s.override_colour!,
    ruleId: 'override',
    reason: texts?.reason ?? e.reason,
    advice: texts?.advice ?? e.advice,
    greenAt,
    matched: [...e.matched, 'override'],
  };
}

function overrideTexts(o: OverrideRow): Pick<HealthExplanation, 'reason' | 'advice'> {
  return {
    reason: {
      'zh-CN': `人工调整（经两名工作人员审批）：${o.reason}。法律依据：${o.legal_basis}。`,
      en: `Set by hand, approved by two officials: ${o.reason}. Legal basis: ${o.legal_basis}.`,
    },
    advice: {
      'zh-CN': '调整到期后按规则重新计算。如有异议，可在“申诉”中提出。',
      en: 'When it ends, the rules apply again. If you disagree, file an appeal.',
    },
  };
}

function hasAuthorityFacts(facts: HealthFacts): boolean {
  return AUTHORITY_FACTS.some((k) => facts[k] !== undefined && facts[k] !== noFacts[k]);
}

/** 张*三 → 张*: enough for a face check at a door, too little to identify anyone. */
function faceCheckName(masked: string): string {
  return `${[...masked][0] ?? ''}*`;
}

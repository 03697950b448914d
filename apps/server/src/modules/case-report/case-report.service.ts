import { v7 as uuidv7 } from 'uuid';
import {
  duplicateReasons,
  type CaseDetail,
  type CaseReportInput,
  type CaseStatistics,
  type CaseSummary,
  type DuplicateSuggestion,
  type ExportJob,
  type HealthFacts,
  type RegionRef,
} from '@zhengtong/contracts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import type { ExportStore } from '../../platform/exports/index.ts';
import { exportView } from '../../platform/exports/routes.ts';
import { shanghaiDate } from '../../platform/time.ts';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import {
  maskIdNumber,
  maskName,
  maskPhone,
  parseIdNumber,
  parsePhone,
  type Vault,
} from '../../platform/vault/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { CaseReportRepository, Trx } from './case-report.repository.ts';
import { contributions, difference, type StatDelta } from './case-report.stats.ts';
import type { CaseClassification, CaseOutcome, CaseRow, CaseSamplesTable, CaseSource } from './case-report.tables.ts';

type SampleKind = CaseSamplesTable['kind'];

export interface CaseReportOptions {
  /** Reports later than this after diagnosis are listed as overdue (default 2 hours). */
  deadlineMs: number;
}

const CLOCK_SKEW_MS = 5 * 60_000;
const daysApart = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
/** Classifications a positive laboratory result turns into a confirmed case. */
const CONFIRMABLE = new Set<CaseClassification>(['suspected', 'clinical', 'unexplained_pneumonia']);

/** Classifications whose contacts are notified (code and follow-up): an infection is established. */
export const INFECTIOUS = new Set<CaseClassification>(['confirmed', 'clinical', 'asymptomatic']);

/** Facts published on the event bus; payloads carry ids only, never personal data. */
export const CASE_REPORTED = 'case-report.reported';
export const EXPORT_JOB = 'case-report.export';
export const CASE_CONFIRMED = 'case-report.confirmed';
export const CASE_CLOSED = 'case-report.closed';
export interface CaseReported {
  caseId: string;
  residentId: string | null;
  /** The ID number's blind index, so an unregistered contact found on a manifest can be matched. */
  idNumberIndex: string | null;
  regionCode: string;
  classification: CaseClassification;
}
export interface CaseConfirmed {
  caseId: string;
}
/** A duplicate report was merged into a case, or the merge undone: both cases are traced again. */
export const CASE_MERGED = 'case-report.merged';
export interface CaseMerged {
  caseId: string;
  duplicateId: string;
}

export interface CaseClosed {
  caseId: string;
  outcome: CaseOutcome;
}

/** What other modules may know of a case without reading personal data. */
export interface CaseRef {
  id: string;
  /** Set on a duplicate report: the case it was merged into. */
  mergedInto: string | null;
  residentId: string | null;
  idNumberIndex: string | null;
  regionCode: string;
  maskedName: string;
  classification: CaseClassification;
  outcome: CaseOutcome | null;
  onsetDate: string;
  diagnosedAt: Date;
  reportedAt: Date;
}

const refOf = (r: CaseRow): CaseRef => ({
  id: r.id,
  mergedInto: r.merged_into,
  residentId: r.resident_id,
  idNumberIndex: r.id_number_bidx,
  regionCode: r.region_code,
  maskedName: r.name_masked,
  classification: r.classification,
  outcome: r.outcome,
  onsetDate: r.onset_date,
  diagnosedAt: r.diagnosed_at,
  reportedAt: r.reported_at,
});

type DuplicateReason = (typeof duplicateReasons)[number];

/** What two reports have in common, strongest first. */
function duplicateReasonsOf(a: CaseRow, b: CaseRow): DuplicateReason[] {
  const same = (x: string | null, y: string | null) => x !== null && x === y;
  const reasons: DuplicateReason[] = [];
  if (same(a.id_number_bidx, b.id_number_bidx)) reasons.push('id_number');
  if (same(a.resident_id, b.resident_id)) reasons.push('same_resident');
  if (same(a.name_bidx, b.name_bidx)) reasons.push('name');
  else if (same(a.name_sound_bidx, b.name_sound_bidx)) reasons.push('name_sound');
  if (same(a.birth_bidx, b.birth_bidx)) reasons.push('birth_date');
  if (same(a.phone_bidx, b.phone_bidx)) reasons.push('phone');
  if (same(a.address_bidx, b.address_bidx)) reasons.push('address');
  return reasons;
}

/**
 * An ID number or resident record decides alone; otherwise a name (or its sound) with one more fact,
 * or three facts without the name. A name alone is never enough: 张伟 is a common name.
 */
function duplicateScore(reasons: DuplicateReason[]): number {
  if (reasons.includes('id_number') || reasons.includes('same_resident')) return 100;
  const name = reasons.includes('name') ? 40 : reasons.includes('name_sound') ? 30 : 0;
  const others = reasons.filter((r) => r === 'birth_date' || r === 'phone' || r === 'address').length;
  return Math.min(95, name + others * 25);
}

/** What a classification and outcome mean for the person's health code. */
export function caseStatusOf(
  classification: CaseClassification,
  outcome: CaseOutcome | null,
): HealthFacts['caseStatus'] {
  if (outcome === 'excluded') return 'none';
  if (outcome === 'recovered') return 'recovered';
  if (classification === 'confirmed' || classification === 'clinical') return 'confirmed';
  if (classification === 'asymptomatic') return 'asymptomatic';
  return 'suspected';
}

/**
 * 网络直报: a case is reported in one short form — report first, classify later. Every change of
 * classification is kept with who made it and why, and the person's health code follows at once.
 */
export class CaseReportService {
  constructor(
    private readonly repo: CaseReportRepository,
    private readonly identity: IdentityService,
    private readonly healthCode: HealthCodeService,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly exports: ExportStore,
    private readonly options: CaseReportOptions,
  ) {}

  /** Reports a case; the person is found by ID number, or entered by name when not registered. */
  async report(actor: Actor, input: CaseReportInput): Promise<CaseDetail> {
    if (!actor.permissions.includes('cases.report') || !actor.jurisdiction) throw forbidden();
    const now = Date.now();
    const problems: FieldProblem[] = [];
    const diagnosed = Date.parse(input.diagnosedAt);
    if (diagnosed > now + CLOCK_SKEW_MS) problems.push({ path: 'diagnosedAt', code: 'case.in_future' });
    if (input.onsetDate > shanghaiDate(new Date(now))) problems.push({ path: 'onsetDate', code: 'case.in_future' });
    else if (input.onsetDate > shanghaiDate(new Date(diagnosed)))
      problems.push({ path: 'onsetDate', code: 'case.onset_after_diagnosis' });
    let idNumber: string | null = null;
    let birthDate = input.birthDate ?? null;
    if (input.idNumber) {
      const parsed = parseIdNumber(input.idNumber);
      if (parsed.ok) [idNumber, birthDate] = [parsed.value.normalized, parsed.value.birthDate];
      else problems.push({ path: 'idNumber', code: parsed.code });
    }
    const resident = idNumber ? await this.identity.residentRefByIdNumber(idNumber) : null;
    const name = input.name?.trim() ?? '';
    if (!resident && !name) problems.push({ path: 'name', code: 'case.person_required' });
    const phone = input.phone?.trim() ? parsePhone(input.phone) : null;
    if (input.phone?.trim() && !phone) problems.push({ path: 'phone', code: 'phone.format' });
    if (input.birthDate && input.birthDate > shanghaiDate(new Date(now)))
      problems.push({ path: 'birthDate', code: 'case.in_future' });
    if (problems.length) throw invalid('request.invalid', problems);
    const address = input.address?.trim() || null;
    // What duplicate suggestions compare: what was typed, completed from the resident record.
    const known = resident ? await this.identity.personIndexes(resident.id) : null;
    const typed = this.vault.personIndexes({
      name,
      birthDate,
      phone,
      address,
    });

    const id = uuidv7();
    const regionCode = resident?.regionCode ?? actor.jurisdiction;
    const reportedAt = new Date(now);
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.insertCase(
        {
          id,
          region_code: regionCode,
          resident_id: resident?.id ?? null,
          name_enc: name ? this.vault.encrypt('name', name) : null,
          name_masked: name ? maskName(name) : resident!.maskedName,
          id_number_enc: idNumber ? this.vault.encrypt('idNumber', idNumber) : null,
          id_number_bidx: idNumber ? this.vault.blindIndex('idNumber', idNumber) : null,
          id_number_masked: idNumber ? maskIdNumber(idNumber) : null,
          clinical_enc: this.vault.encrypt(
            'clinical',
            JSON.stringify({ symptoms: input.symptoms, note: input.note ?? '' }),
          ),
          onset_date: input.onsetDate,
          diagnosed_at: new Date(diagnosed),
          reported_at: reportedAt,
          classification: input.classification,
          outcome: null,
          outcome_at: null,
          reporter_id: actor.id,
          reporter_label: actor.label,
          reporting_unit: actor.jurisdiction!,
          source_note: null,
          name_bidx: typed.name ?? known?.name ?? null,
          name_sound_bidx: typed.nameSound ?? known?.nameSound ?? null,
          birth_bidx: typed.birth ?? known?.birth ?? null,
          phone_bidx: typed.phone ?? known?.phone ?? null,
          address_bidx: typed.address,
          phone_enc: phone ? this.vault.encrypt('phone', phone) : null,
          phone_masked: phone ? maskPhone(phone) : null,
          address_enc: address ? this.vault.encrypt('address', address) : null,
        },
        trx,
      );
      await this.repo.insertClassification(
        {
          id: uuidv7(),
          case_id: id,
          classification: input.classification,
          reason: 'report',
          by_label: actor.label,
          at: reportedAt,
        },
        trx,
      );
      await this.restat(id, [], trx);
      await this.audit.record(
        actor,
        {
          action: 'create',
          subjectType: 'case',
          subjectId: resident?.id ?? id,
          purpose: 'direct-report',
          fields: ['name', 'idNumber', 'health'],
          regionCode,
        },
        trx as never,
      );
      await this.events.publish<CaseReported>(trx as unknown as Db, CASE_REPORTED, {
        caseId: id,
        residentId: resident?.id ?? null,
        idNumberIndex: idNumber ? this.vault.blindIndex('idNumber', idNumber) : null,
        regionCode,
        classification: input.classification,
      });
      if (INFECTIOUS.has(input.classification)) await this.publishConfirmed(trx, id);
    });
    await this.followHealthCode(actor, resident?.id ?? null, input.classification, null, new Date(diagnosed));
    return this.get(actor, id);
  }

  /** A new classification (a lab result came back, experts decided), kept in the history. */
  async classify(actor: Actor, id: string, classification: CaseClassification, reason: string): Promise<CaseDetail> {
    const row = await this.readable(actor, id, 'cases.report');
    if (row.outcome) throw new AppError('conflict', 'case.closed');
    await this.repo.db.transaction().execute(async (trx) => {
      const before = await this.countedAs(id, trx);
      await this.repo.updateCase(id, { classification }, trx);
      await this.repo.insertClassification(
        { id: uuidv7(), case_id: id, classification, reason: reason.trim(), by_label: actor.label, at: new Date() },
        trx,
      );
      await this.restat(id, before, trx);
      if (INFECTIOUS.has(classification) && !INFECTIOUS.has(row.classification)) await this.publishConfirmed(trx, id);
    });
    await this.audit.record(actor, {
      action: 'classify',
      subjectType: 'case',
      subjectId: row.resident_id ?? id,
      purpose: 'case-management',
      fields: ['health'],
      regionCode: row.region_code,
    });
    await this.followHealthCode(actor, row.resident_id, classification, null, row.diagnosed_at);
    return this.get(actor, id);
  }

  /** Records a sample taken from a case, awaiting its laboratory result. */
  async addSample(
    actor: Actor,
    id: string,
    input: { kind: SampleKind; collectedAt: string; lab: string },
  ): Promise<CaseDetail> {
    const row = await this.readable(actor, id, 'cases.report');
    if (Date.parse(input.collectedAt) > Date.now() + CLOCK_SKEW_MS)
      throw invalid('request.invalid', [{ path: 'collectedAt', code: 'case.in_future' }]);
    await this.repo.insertSample({
      id: uuidv7(),
      case_id: id,
      kind: input.kind,
      collected_at: new Date(input.collectedAt),
      lab: input.lab.trim(),
      result: 'pending',
      result_at: null,
      by_label: actor.label,
    });
    await this.audit.record(actor, {
      action: 'create',
      subjectType: 'case-sample',
      subjectId: row.resident_id ?? id,
      purpose: 'case-management',
      fields: ['health'],
      regionCode: row.region_code,
    });
    return this.get(actor, id);
  }

  /**
   * A laboratory result. A positive one confirms a case still open as suspected, clinical or unexplained
   * pneumonia (with the result in the history); the person's health code gets the test result either way.
   */
  async recordResult(actor: Actor, id: string, sampleId: string, result: 'positive' | 'negative'): Promise<CaseDetail> {
    const row = await this.readable(actor, id, 'cases.report');
    const sample = await this.repo.sample(sampleId);
    if (!sample || sample.case_id !== id) throw notFound();
    const confirms = result === 'positive' && !row.outcome && CONFIRMABLE.has(row.classification);
    await this.repo.db.transaction().execute(async (trx) => {
      const before = await this.countedAs(id, trx);
      if (!(await this.repo.recordResult(sampleId, result, trx)))
        throw new AppError('conflict', 'case.sample_has_result');
      if (confirms) {
        await this.repo.updateCase(id, { classification: 'confirmed' }, trx);
        await this.repo.insertClassification(
          {
            id: uuidv7(),
            case_id: id,
            classification: 'confirmed',
            reason: `lab: ${sample.kind} positive (${sample.lab})`,
            by_label: actor.label,
            at: new Date(),
          },
          trx,
        );
        if (!INFECTIOUS.has(row.classification)) await this.publishConfirmed(trx, id);
      }
      await this.restat(id, before, trx);
    });
    await this.audit.record(actor, {
      action: 'lab-result',
      subjectType: 'case-sample',
      subjectId: row.resident_id ?? id,
      purpose: 'case-management',
      fields: ['health'],
      regionCode: row.region_code,
    });
    if (row.resident_id) {
      await this.healthCode.setFacts(
        row.resident_id,
        {
          testResult: result,
          testAt: sample.collected_at.toISOString(),
          ...(confirms
            ? { caseStatus: caseStatusOf('confirmed', null), caseSince: row.diagnosed_at.toISOString() }
            : {}),
        },
        actor,
      );
    }
    return this.get(actor, id);
  }

  /** Closes a case: recovered, deceased, or excluded (not a case after all). */
  async close(actor: Actor, id: string, outcome: CaseOutcome): Promise<CaseDetail> {
    const row = await this.readable(actor, id, 'cases.report');
    if (row.outcome) throw new AppError('conflict', 'case.closed');
    await this.repo.db.transaction().execute(async (trx) => {
      const before = await this.countedAs(id, trx);
      await this.repo.updateCase(id, { outcome, outcome_at: new Date() }, trx);
      await this.restat(id, before, trx);
      await this.events.publish<CaseClosed>(trx as unknown as Db, CASE_CLOSED, { caseId: id, outcome });
    });
    await this.audit.record(actor, {
      action: 'close',
      subjectType: 'case',
      subjectId: row.resident_id ?? id,
      purpose: `case-outcome: ${outcome}`,
      fields: ['health'],
      regionCode: row.region_code,
    });
    if (outcome !== 'deceased')
      await this.followHealthCode(actor, row.resident_id, row.classification, outcome, new Date());
    return this.get(actor, id);
  }

  /** Where the infection came from, as the investigation found it. */
  async setSource(actor: Actor, id: string, source: CaseSource, note?: string): Promise<CaseDetail> {
    const row = await this.readable(actor, id, 'cases.read');
    if (!can(actor, 'tracing.investigate', row.region_code)) throw forbidden();
    const sourceNote = note?.trim() || null;
    if (source === 'imported' && !sourceNote)
      throw invalid('request.invalid', [{ path: 'note', code: 'case.source_note' }]);
    await this.repo.db.transaction().execute(async (trx) => {
      const before = await this.countedAs(id, trx);
      await this.repo.updateCase(id, { source, source_note: source === 'imported' ? sourceNote : null }, trx);
      await this.restat(id, before, trx);
    });
    return this.get(actor, id);
  }

  /** Daily statistics of the actor's jurisdiction, from the rollup (no person-level rows are read). */
  async statistics(actor: Actor, q: { from: string; to: string }): Promise<CaseStatistics> {
    if (!actor.permissions.includes('cases.stats') || !actor.jurisdiction) throw forbidden();
    if (q.to < q.from || daysApart(q.from, q.to) > 366)
      throw invalid('request.invalid', [{ path: 'to', code: 'field.out_of_range' }]);
    return this.dailyStatistics(actor.jurisdiction, q.from, q.to);
  }

  /** For other modules (dashboard, open data): the daily counters of a region, with running totals. */
  async dailyStatistics(regionPrefix: string, from: string, to: string): Promise<CaseStatistics> {
    const [before, rows] = await Promise.all([
      this.repo.statsBefore(regionPrefix, from),
      this.repo.statsWithin(regionPrefix, from, to),
    ]);
    const key = (r: { district_code: string; classification: string; source: string }) =>
      `${r.district_code}|${r.classification}|${r.source}`;
    const totals = new Map(before.map((b) => [key(b), { cumulative: b.entered, current: b.current }]));
    const out: CaseStatistics['rows'] = [];
    for (const r of rows) {
      const t = totals.get(key(r)) ?? { cumulative: 0, current: 0 };
      t.cumulative += r.entered;
      t.current += r.entered - r.left;
      totals.set(key(r), t);
      out.push({
        day: r.day,
        district: r.district_code,
        classification: r.classification,
        source: r.source,
        new: r.entered,
        left: r.left,
        cumulative: t.cumulative,
        current: t.current,
      });
    }
    const refs = await this.regions.refs([...new Set(out.map((r) => r.district))]);
    return { from, to, districts: [...refs.values()], rows: out };
  }

  // ---------- exports ----------

  /** Queues an export of the jurisdiction's cases with full personal data, for a stated purpose. */
  async startExport(actor: Actor, input: { format: 'csv' | 'xlsx' | 'fhir'; purpose: string }): Promise<ExportJob> {
    if (!actor.permissions.includes('cases.export') || !actor.jurisdiction) throw forbidden();
    const id = await this.exports.queue(actor, {
      kind: 'cases',
      format: input.format,
      purpose: input.purpose.trim(),
      job: EXPORT_JOB,
    });
    return exportView((await this.exports.get(id))!);
  }

  // ---------- duplicate reports ----------

  /** Reports in the jurisdiction that may be one person, with the reasons; dismissed pairs stay away. */
  async duplicateSuggestions(actor: Actor, limit = 50): Promise<{ items: DuplicateSuggestion[] }> {
    if (!actor.permissions.includes('cases.merge') || !actor.jurisdiction) throw forbidden();
    const pairs = await this.repo.duplicatePairs(actor.jurisdiction, limit * 4);
    const rows = new Map((await this.repo.casesByIds(pairs.flatMap((p) => [p.a, p.b]))).map((r) => [r.id, r]));
    const items: { a: CaseRow; b: CaseRow; reasons: DuplicateReason[]; score: number }[] = [];
    for (const p of pairs) {
      const a = rows.get(p.a)!;
      const b = rows.get(p.b)!;
      const reasons = duplicateReasonsOf(a, b);
      const score = duplicateScore(reasons);
      if (score >= 50) items.push({ a, b, reasons, score });
    }
    items.sort((x, y) => y.score - x.score || y.b.id.localeCompare(x.b.id));
    const page = items.slice(0, limit);
    const refs = await this.regions.refs(page.flatMap((i) => [i.a.region_code, i.b.region_code]));
    await this.audit.recordMany(
      actor,
      page.flatMap((i) =>
        [i.a, i.b].map((r) => ({
          action: 'view',
          subjectType: 'case',
          subjectId: r.resident_id ?? r.id,
          purpose: 'duplicate-check',
          fields: ['name', 'idNumber'],
          regionCode: r.region_code,
        })),
      ),
    );
    return {
      items: page.map((i) => ({
        a: this.summary(i.a, refs.get(i.a.region_code)!),
        b: this.summary(i.b, refs.get(i.b.region_code)!),
        reasons: i.reasons,
        score: i.score,
      })),
    };
  }

  /** Merges a duplicate report into the case kept: the duplicate stops counting; both are traced again. */
  async merge(actor: Actor, keptId: string, duplicateId: string): Promise<CaseDetail> {
    if (!actor.permissions.includes('cases.merge')) throw forbidden();
    if (keptId === duplicateId) throw invalid('request.invalid', [{ path: 'duplicateId', code: 'case.merge_self' }]);
    const kept = await this.readable(actor, keptId, 'cases.read');
    const dup = await this.readable(actor, duplicateId, 'cases.read');
    if (kept.merged_into || dup.merged_into) throw new AppError('conflict', 'case.merged');
    await this.repo.db.transaction().execute(async (trx) => {
      const before = await this.countedAs(duplicateId, trx);
      await this.repo.updateCase(
        duplicateId,
        { merged_into: keptId, merged_at: new Date(), merged_by: actor.label },
        trx,
      );
      await this.restat(duplicateId, before, trx);
      await this.audit.recordMany(
        actor,
        [kept, dup].map((r) => ({
          action: 'merge',
          subjectType: 'case',
          subjectId: r.resident_id ?? r.id,
          purpose: `duplicate-report: ${duplicateId} into ${keptId}`,
          fields: ['name', 'idNumber', 'health'],
          regionCode: r.region_code,
        })),
        trx as unknown as Db,
      );
      await this.events.publish<CaseMerged>(trx as unknown as Db, CASE_MERGED, { caseId: keptId, duplicateId });
    });
    return this.get(actor, keptId);
  }

  /** Undoes a merge: the duplicate is a case of its own again, and counts again. */
  async unmerge(actor: Actor, duplicateId: string): Promise<CaseDetail> {
    if (!actor.permissions.includes('cases.merge')) throw forbidden();
    const dup = await this.readable(actor, duplicateId, 'cases.read');
    const keptId = dup.merged_into;
    if (!keptId) throw new AppError('conflict', 'case.not_merged');
    await this.repo.db.transaction().execute(async (trx) => {
      const before = await this.countedAs(duplicateId, trx);
      await this.repo.updateCase(duplicateId, { merged_into: null, merged_at: null, merged_by: null }, trx);
      await this.restat(duplicateId, before, trx);
      await this.audit.record(
        actor,
        {
          action: 'unmerge',
          subjectType: 'case',
          subjectId: dup.resident_id ?? dup.id,
          purpose: `duplicate-report undone: ${duplicateId} from ${keptId}`,
          fields: ['name', 'idNumber', 'health'],
          regionCode: dup.region_code,
        },
        trx as unknown as Db,
      );
      await this.events.publish<CaseMerged>(trx as unknown as Db, CASE_MERGED, { caseId: keptId, duplicateId });
    });
    return this.get(actor, duplicateId);
  }

  /** "Not the same person": the pair is not suggested again. */
  async dismissDuplicate(actor: Actor, a: string, b: string): Promise<void> {
    if (!actor.permissions.includes('cases.merge')) throw forbidden();
    const [x, y] = [await this.readable(actor, a, 'cases.read'), await this.readable(actor, b, 'cases.read')];
    await this.repo.dismissPair(x.id, y.id, actor.label);
    await this.audit.record(actor, {
      action: 'dismiss',
      subjectType: 'case',
      subjectId: x.resident_id ?? x.id,
      purpose: `not a duplicate of ${y.id}`,
      regionCode: x.region_code,
    });
  }

  /** For other modules: the reports merged into a case (their investigation belongs to it). */
  async duplicatesOf(caseId: string): Promise<string[]> {
    return (await this.repo.duplicatesOf(caseId)).map((r) => r.id);
  }

  /** For other modules: a case the actor may read (404 otherwise), without its personal fields. */
  async caseRef(actor: Actor, id: string): Promise<CaseRef> {
    return refOf(await this.readable(actor, id, 'cases.read'));
  }

  /** For other modules: cases by id, without personal fields and without a reader (links, chains). */
  async caseRefs(ids: string[]): Promise<Map<string, CaseRef>> {
    return new Map((await this.repo.casesByIds([...new Set(ids)])).map((r) => [r.id, refOf(r)]));
  }

  /** For other modules: every case of a region but the excluded ones, without personal fields (chains). */
  async caseRefsWithin(regionPrefix: string, limit: number): Promise<CaseRef[]> {
    return (await this.repo.casesForChains(regionPrefix, limit)).map(refOf);
  }

  /** For other modules: the open, infectious cases in a region (at most `limit`), for a batch tracing run. */
  async openInfectiousCaseIds(regionPrefix: string, limit: number): Promise<string[]> {
    return this.repo.openCaseIds(regionPrefix, [...INFECTIOUS], limit);
  }

  /** For other modules: the cases reported for a resident. */
  async casesOfResident(residentId: string): Promise<CaseRef[]> {
    return (await this.repo.casesOfResident(residentId)).map(refOf);
  }

  /** How the case counts in the daily rollup now, read inside the change's transaction. */
  private async countedAs(caseId: string, trx: Trx): Promise<StatDelta[]> {
    const row = await this.repo.caseById(caseId, trx);
    // A merged duplicate counts nowhere: the case it joined counts for both.
    return row && !row.merged_into ? contributions(row, await this.repo.history(caseId, trx)) : [];
  }

  /** Moves the daily counters from how the case counted before the change to how it counts now. */
  private async restat(caseId: string, before: StatDelta[], trx: Trx) {
    await this.repo.bumpStats(difference(before, await this.countedAs(caseId, trx)), trx);
  }

  private async publishConfirmed(trx: unknown, caseId: string) {
    await this.events.publish<CaseConfirmed>(trx as Db, CASE_CONFIRMED, { caseId });
  }

  /** Cases in the actor's jurisdiction (all, or only reports that missed the deadline); each view audited. */
  async list(actor: Actor, q: { view: 'all' | 'overdue'; limit: number; cursor?: string }) {
    if (!actor.permissions.includes('cases.read') || !actor.jurisdiction) throw forbidden();
    const rows = await this.repo.casesWithin({
      regionPrefix: actor.jurisdiction,
      limit: q.limit + 1,
      before: q.cursor,
      ...(q.view === 'overdue' ? { overdueAfterMs: this.options.deadlineMs } : {}),
    });
    const page = rows.slice(0, q.limit);
    await this.audit.recordMany(
      actor,
      page.map((r) => ({
        action: 'view',
        subjectType: 'case',
        subjectId: r.resident_id ?? r.id,
        purpose: 'list',
        fields: ['name', 'idNumber', 'health'],
        regionCode: r.region_code,
      })),
    );
    const refs = await this.regions.refs(page.map((r) => r.region_code));
    return {
      items: page.map((r) => this.summary(r, refs.get(r.region_code)!)),
      nextCursor: rows.length > q.limit ? page.at(-1)!.id : null,
    };
  }

  /** One case with its clinical details and classification history (audited). */
  async get(actor: Actor, id: string): Promise<CaseDetail> {
    const row = await this.readable(actor, id, 'cases.read');
    const clinical = JSON.parse(this.vault.process('clinical', row.clinical_enc)) as {
      symptoms: string[];
      note: string;
    };
    await this.audit.record(actor, {
      action: 'view',
      subjectType: 'case',
      subjectId: row.resident_id ?? id,
      purpose: 'view',
      fields: ['name', 'idNumber', 'health'],
      regionCode: row.region_code,
    });
    const [history, samples, duplicates] = await Promise.all([
      this.repo.history(id),
      this.repo.samples(id),
      this.repo.duplicatesOf(id),
    ]);
    return {
      ...this.summary(row, await this.regions.requireRef(row.region_code)),
      symptoms: clinical.symptoms,
      note: clinical.note,
      history: history.map((h) => ({
        classification: h.classification,
        reason: h.reason,
        by: h.by_label,
        at: h.at.toISOString(),
      })),
      samples: samples.map((x) => ({
        id: x.id,
        kind: x.kind,
        collectedAt: x.collected_at.toISOString(),
        lab: x.lab,
        result: x.result,
        resultAt: x.result_at?.toISOString() ?? null,
        by: x.by_label,
      })),
      phone: row.phone_masked,
      duplicates: duplicates.map((d) => ({ id: d.id, name: d.name_masked, reporter: d.reporter_label })),
    };
  }

  private async followHealthCode(
    actor: Actor,
    residentId: string | null,
    classification: CaseClassification,
    outcome: CaseOutcome | null,
    since: Date,
  ) {
    if (!residentId) return;
    await this.healthCode.setFacts(
      residentId,
      { caseStatus: caseStatusOf(classification, outcome), caseSince: since.toISOString() },
      actor,
    );
  }

  /** The case, if the actor may see it: within their jurisdiction, or reported by them. */
  private async readable(actor: Actor, id: string, permission: 'cases.read' | 'cases.report'): Promise<CaseRow> {
    if (!actor.permissions.includes(permission)) throw forbidden();
    const row = await this.repo.caseById(id);
    if (!row || (!can(actor, permission, row.region_code) && row.reporter_id !== actor.id)) throw notFound();
    // A merged duplicate is kept for the record and for undoing; the work goes on the case it joined.
    if (permission === 'cases.report' && row.merged_into) throw new AppError('conflict', 'case.merged');
    return row;
  }

  private summary(r: CaseRow, region: RegionRef): CaseSummary {
    return {
      id: r.id,
      name: r.name_masked,
      idNumber: r.id_number_masked,
      region,
      residentKnown: r.resident_id !== null,
      classification: r.classification,
      outcome: r.outcome,
      onsetDate: r.onset_date,
      diagnosedAt: r.diagnosed_at.toISOString(),
      reportedAt: r.reported_at.toISOString(),
      overdue: r.reported_at.getTime() - r.diagnosed_at.getTime() > this.options.deadlineMs,
      reporter: r.reporter_label,
      source: r.source,
      sourceNote: r.source_note,
      mergedInto: r.merged_into,
    };
  }
}

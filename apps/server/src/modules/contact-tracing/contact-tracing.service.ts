import { isDeepStrictEqual } from 'node:util';
import type { Insertable, Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type {
  CaseLinkInput,
  CoTravelAnswer,
  Contact,
  DiscoveryResult,
  ExportJob,
  Exposure,
  HouseholdInput,
  Investigation,
  ManifestRowInput,
  TracingRun,
  TripInput,
  VisitInput,
} from '@zhengtong/contracts';
import { can, systemActor, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { groupBy } from '../../platform/collections.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/index.ts';
import type { ExportStore } from '../../platform/exports/index.ts';
import { exportView } from '../../platform/exports/routes.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import { shanghaiDate } from '../../platform/time.ts';
import { maskIdNumber, maskName, parseIdNumber, type Vault } from '../../platform/vault/index.ts';
import { INFECTIOUS, type CaseRef, type CaseReportService } from '../case-report/index.ts';
import type { CheckInService } from '../check-in/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { IdentityService, ResidentCard } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { ContactTracingRepository, Trx } from './contact-tracing.repository.ts';
import {
  combinedScore,
  HOUSEHOLD_SCORE,
  normaliseTrip,
  overlapMinutes,
  placeScore,
  rankOf,
  sealManifestRow,
  SECONDARY_SCORE,
  SECONDARY_TRAIN_ROWS,
  SECONDARY_TRIP_MIN_SCORE,
  tripScore,
  type TracingOptions,
} from './contact-tracing.rules.ts';
import type {
  ContactLevel,
  ContactRow,
  RunRow,
  TracingContactsTable,
  TracingManifestRowsTable,
  TripRow,
} from './contact-tracing.tables.ts';

const DAY_MS = 86_400_000;
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_VISIT_MS = DAY_MS;

/** Published when tracing makes a resident a contact, or changes how or until when. */
export const CONTACT_IDENTIFIED = 'contact-tracing.contact-identified';
export interface ContactIdentified {
  residentId: string;
  level: ContactLevel;
  lastExposureAt: string;
  /** The strongest exposure, in words a worker can use; no other person's data. */
  exposure: { kind: Exposure['kind']; label: string; at: string };
}
/** Published when a resident is no longer anybody's contact: cleared, or reported as a case. */
export const CONTACT_RELEASED = 'contact-tracing.contact-released';
export interface ContactReleased {
  residentId: string;
  why: 'cleared' | 'became_case';
}

export const DISCOVER_JOB = 'contact-tracing.discover';
export const RUN_JOB = 'contact-tracing.trace-run';
export const EXPORT_JOB = 'contact-tracing.export';
const MAX_RUN_CASES = 10_000;

interface Found {
  level: ContactLevel;
  residentId: string | null;
  manifestRowId: number | null;
  householdId: string | null;
  /** For a secondary contact: the person key of the close contact they met. */
  viaKey: string | null;
  nameMasked: string;
  idNumberMasked: string | null;
  exposures: (Exposure & { score: number })[];
}

/** A trip with where one person sat: the case's own, or one a close contact took. */
type TripSeat = Pick<TripRow, 'mode' | 'number' | 'travel_date' | 'carriage' | 'seat' | 'seat_row'>;

/** What a search one hop further needs of the case's search. */
interface Hop {
  ref: CaseRef;
  found: Map<string, Found>;
  exposedSince: (f: Found) => number;
  viaNameOf: (closeKey: string) => string | null;
  add: (key: string, person: Omit<Found, 'exposures'>, exposure: Exposure & { score: number }) => void;
  person: (p: Partial<Omit<Found, 'exposures'>>) => Omit<Found, 'exposures'>;
}

/**
 * 流调 and contact discovery. The investigation (places, trips, household, links) is kept per case;
 * discovery matches it against check-ins, passenger manifests and households, ranks every contact,
 * and — for an established infection — changes their health code and asks their grid for follow-up.
 */
export class ContactTracingService {
  constructor(
    private readonly repo: ContactTracingRepository,
    private readonly caseReport: CaseReportService,
    private readonly checkIn: CheckInService,
    private readonly healthCode: HealthCodeService,
    private readonly identity: IdentityService,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly jobs: Jobs,
    private readonly exports: ExportStore,
    private readonly options: TracingOptions,
  ) {}

  // ---------- the investigation ----------

  /** A case's investigation: places, trips, household, links and how many contacts it has found. */
  async investigation(actor: Actor, caseId: string): Promise<Investigation> {
    const ref = await this.caseFor(actor, caseId);
    const caseIds = [caseId, ...(await this.caseReport.duplicatesOf(caseId))];
    const [visits, trips, household, links, counts, inv] = await Promise.all([
      this.repo.visits(caseIds),
      this.repo.trips(caseIds),
      this.repo.household(caseIds),
      this.repo.linksOf(caseId),
      this.repo.countContacts(caseId),
      this.repo.investigation(caseId),
    ]);
    const places = await this.checkIn.placeRefs(visits.flatMap((v) => (v.place_id ? [v.place_id] : [])));
    const others = await this.caseReport.caseRefs(
      links.map((l) => (l.source_case_id === caseId ? l.target_case_id : l.source_case_id)),
    );
    await this.audit.record(actor, {
      action: 'view',
      subjectType: 'investigation',
      subjectId: ref.residentId ?? caseId,
      purpose: 'investigation',
      fields: ['location', 'name', 'idNumber'],
      regionCode: ref.regionCode,
    });
    return {
      caseId,
      notifies: notifies(ref),
      visits: visits.map((v) => ({
        id: v.id,
        place: {
          code: v.place_id ? (places.get(v.place_id)?.code ?? null) : null,
          name: v.place_name,
          address: v.place_address,
        },
        from: v.from_at.toISOString(),
        to: v.to_at.toISOString(),
        source: v.source,
        note: v.note_enc ? this.vault.process('note', v.note_enc) : '',
      })),
      trips: trips.map(tripView),
      household: household.map((h) => ({
        id: h.id,
        name: h.name_masked,
        idNumber: h.id_number_masked,
        relation: h.relation,
        residentKnown: h.resident_id !== null,
      })),
      links: links.flatMap((l) => {
        const outgoing = l.source_case_id === caseId;
        const other = others.get(outgoing ? l.target_case_id : l.source_case_id);
        if (!other) return [];
        return [
          {
            id: l.id,
            direction: outgoing ? ('infected' as const) : ('source' as const),
            kind: l.kind,
            note: l.note,
            otherCase: { id: other.id, name: other.maskedName, classification: other.classification },
          },
        ];
      }),
      contacts: counts,
      lastDiscoveryAt: inv?.last_discovery_at.toISOString() ?? null,
    };
  }

  /** A place the case was at, with a time window; a registered place is matched against check-ins at once. */
  async addVisit(actor: Actor, caseId: string, input: VisitInput): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    const from = Date.parse(input.from);
    const to = Date.parse(input.to);
    if (to < from || to - from > MAX_VISIT_MS || to > Date.now() + CLOCK_SKEW_MS)
      throw invalid('request.invalid', [{ path: 'to', code: 'tracing.window' }]);
    let place: { id: string | null; name: string; address: string };
    if (input.placeCode) {
      const ref = await this.checkIn.placeRefByCode(input.placeCode);
      if (!ref) throw invalid('request.invalid', [{ path: 'placeCode', code: 'place.not_found' }]);
      place = ref;
    } else if (input.placeName?.trim()) place = { id: null, name: input.placeName.trim(), address: '' };
    else throw invalid('request.invalid', [{ path: 'placeCode', code: 'tracing.place_required' }]);
    await this.repo.insertVisits([
      {
        id: uuidv7(),
        case_id: caseId,
        place_id: place.id,
        place_name: place.name,
        place_address: place.address,
        from_at: new Date(from),
        to_at: new Date(to),
        source: 'entered',
        check_in_id: null,
        note_enc: input.note?.trim() ? this.vault.encrypt('note', input.note.trim()) : null,
        created_by: actor.label,
      },
    ]);
    return this.afterChange(actor, caseId);
  }

  async removeVisit(actor: Actor, caseId: string, visitId: string): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    if (!(await this.repo.deleteVisit(caseId, visitId))) throw notFound();
    return this.afterChange(actor, caseId);
  }

  /** A train, flight or bus the case took; passengers near them on imported manifests become contacts. */
  async addTrip(actor: Actor, caseId: string, input: TripInput): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    const trip = normaliseTrip(input, shanghaiDate(new Date()));
    if (!trip.ok) throw invalid('request.invalid', trip.problems);
    await this.repo.insertTrip({
      id: uuidv7(),
      case_id: caseId,
      mode: trip.value.mode,
      number: trip.value.number,
      travel_date: trip.value.date,
      carriage: trip.value.carriage,
      seat: trip.value.seat,
      seat_row: trip.value.seatRow,
      from_station: input.fromStation?.trim() ?? '',
      to_station: input.toStation?.trim() ?? '',
      published_at: null,
      created_by: actor.label,
    });
    return this.afterChange(actor, caseId);
  }

  async removeTrip(actor: Actor, caseId: string, tripId: string): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    if (!(await this.repo.deleteTrip(caseId, tripId))) throw notFound();
    return this.afterChange(actor, caseId);
  }

  /** Lists a trip in the public co-traveller query (同程查询), or takes it off; no personal data goes out. */
  async publishTrip(actor: Actor, caseId: string, tripId: string, published: boolean): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    const trip = await this.repo.trip(caseId, tripId);
    if (!trip) throw notFound();
    await this.repo.setTripPublished(tripId, published ? (trip.published_at ?? new Date()) : null);
    await this.audit.record(actor, {
      action: published ? 'publish' : 'unpublish',
      subjectType: 'trip',
      subjectId: tripId,
      purpose: 'co-traveller-query',
      regionCode: null,
    });
    return this.investigation(actor, caseId);
  }

  /** Someone who lives with the case: a close contact of the highest rank. */
  async addHouseholdMember(actor: Actor, caseId: string, input: HouseholdInput): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    let idNumber: string | null = null;
    if (input.idNumber) {
      const parsed = parseIdNumber(input.idNumber);
      if (!parsed.ok) throw invalid('request.invalid', [{ path: 'idNumber', code: parsed.code }]);
      idNumber = parsed.value.normalized;
    }
    const resident = idNumber ? await this.identity.residentRefByIdNumber(idNumber) : null;
    const name = input.name.trim();
    await this.repo.insertHousehold({
      id: uuidv7(),
      case_id: caseId,
      resident_id: resident?.id ?? null,
      name_enc: this.vault.encrypt('name', name),
      name_masked: maskName(name),
      id_number_enc: idNumber ? this.vault.encrypt('idNumber', idNumber) : null,
      id_number_bidx: idNumber ? this.vault.blindIndex('idNumber', idNumber) : null,
      id_number_masked: idNumber ? maskIdNumber(idNumber) : null,
      relation: input.relation.trim(),
      created_by: actor.label,
    });
    return this.afterChange(actor, caseId);
  }

  async removeHouseholdMember(actor: Actor, caseId: string, memberId: string): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    if (!(await this.repo.deleteHousehold(caseId, memberId))) throw notFound();
    return this.afterChange(actor, caseId);
  }

  /** Links two cases: who infected whom, as the investigation found. */
  async link(actor: Actor, caseId: string, input: CaseLinkInput): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    if (input.otherCaseId === caseId)
      throw invalid('request.invalid', [{ path: 'otherCaseId', code: 'tracing.same_case' }]);
    // The other case must be one the investigator can see, or it answers as unknown.
    await this.caseFor(actor, input.otherCaseId);
    const [source, target] = input.direction === 'source' ? [input.otherCaseId, caseId] : [caseId, input.otherCaseId];
    const inserted = await this.repo.insertLink({
      id: uuidv7(),
      source_case_id: source,
      target_case_id: target,
      kind: input.kind,
      note: input.note?.trim() ?? '',
      created_by: actor.label,
    });
    if (!inserted) throw new AppError('conflict', 'tracing.link_exists');
    return this.investigation(actor, caseId);
  }

  async unlink(actor: Actor, caseId: string, linkId: string): Promise<Investigation> {
    await this.caseFor(actor, caseId, true);
    if (!(await this.repo.deleteLink(caseId, linkId))) throw notFound();
    return this.investigation(actor, caseId);
  }

  /** Registered places an investigator can name in a visit, by name, address or code. */
  async findPlaces(actor: Actor, q: string) {
    if (!actor.permissions.includes('tracing.investigate')) throw forbidden();
    const places = await this.checkIn.searchPlaces(q);
    const regions = await this.regions.refs(places.map((p) => p.regionCode));
    return {
      items: places.map((p) => ({
        code: p.code,
        name: p.name,
        address: p.address,
        region: regions.get(p.regionCode)!,
      })),
    };
  }

  /** Runs contact discovery for a case now (the investigator's button). */
  async discoverNow(actor: Actor, caseId: string): Promise<DiscoveryResult> {
    await this.caseFor(actor, caseId, true);
    return this.discover(caseId, actor);
  }

  // ---------- exports ----------

  /** Queues an export of the contacts of the jurisdiction's cases (CSV or XLSX), for a stated purpose. */
  async startExport(actor: Actor, input: { format: 'csv' | 'xlsx' | 'fhir'; purpose: string }): Promise<ExportJob> {
    if (!actor.permissions.includes('cases.export') || !actor.jurisdiction) throw forbidden();
    if (input.format === 'fhir') throw invalid('request.invalid', [{ path: 'format', code: 'field.not_allowed' }]);
    const id = await this.exports.queue(actor, {
      kind: 'contacts',
      format: input.format,
      purpose: input.purpose.trim(),
      job: EXPORT_JOB,
    });
    return exportView((await this.exports.get(id))!);
  }

  // ---------- batch runs ----------

  /** Traces many cases as one background job: the given ones, or every open infectious case in the jurisdiction. */
  async startRun(actor: Actor, input: { scope: 'open' | 'listed'; caseIds?: string[] }): Promise<TracingRun> {
    if (!actor.permissions.includes('tracing.investigate') || !actor.jurisdiction) throw forbidden();
    let caseIds = input.caseIds;
    if (input.scope === 'listed') {
      if (!caseIds) throw invalid('request.invalid', [{ path: 'caseIds', code: 'field.required' }]);
      const refs = await this.caseReport.caseRefs(caseIds);
      const unknown = caseIds.findIndex(
        (id) => !refs.has(id) || !can(actor, 'tracing.investigate', refs.get(id)!.regionCode),
      );
      if (unknown >= 0) throw invalid('request.invalid', [{ path: `caseIds/${unknown}`, code: 'resource.not_found' }]);
    } else caseIds = await this.caseReport.openInfectiousCaseIds(actor.jurisdiction, MAX_RUN_CASES);
    const id = uuidv7();
    await this.repo.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('tracing_runs')
        .values({
          id,
          status: 'queued',
          case_ids: JSON.stringify(caseIds),
          total: caseIds.length,
          region_code: actor.jurisdiction!,
          created_by: actor.label,
          started_at: null,
          finished_at: null,
        })
        .execute();
      await this.jobs.sendWithin(trx as unknown as Db, RUN_JOB, { runId: id });
    });
    return this.run(actor, id);
  }

  async run(actor: Actor, id: string): Promise<TracingRun> {
    if (!actor.permissions.includes('tracing.investigate')) throw forbidden();
    const row = await this.repo.run(id);
    if (!row || !can(actor, 'tracing.investigate', row.region_code)) throw notFound();
    return runView(row);
  }

  async runs(actor: Actor): Promise<{ items: TracingRun[] }> {
    if (!actor.permissions.includes('tracing.investigate') || !actor.jurisdiction) throw forbidden();
    return { items: (await this.repo.runsWithin(actor.jurisdiction, 20)).map(runView) };
  }

  /**
   * The job: traces the run's cases in order, saving progress after each; a restarted job goes on from
   * the last case saved, and a case that fails is counted and skipped, not retried for ever.
   */
  async processRun(runId: string): Promise<void> {
    const row = await this.repo.run(runId);
    if (!row || row.status === 'done') return;
    const actor = systemActor('contact-tracing');
    await this.repo.updateRun(runId, { status: 'running', started_at: row.started_at ?? new Date() });
    let { done, contacts, failed_cases: failed } = row;
    for (const caseId of row.case_ids.slice(done)) {
      try {
        const r = await this.discover(caseId, actor);
        contacts += r.close + r.secondary;
      } catch {
        failed++;
      }
      done++;
      await this.repo.updateRun(runId, { done, contacts, failed_cases: failed });
    }
    await this.repo.updateRun(runId, { status: 'done', finished_at: new Date() });
  }

  // ---------- contacts ----------

  /** Contacts of one case, or of the jurisdiction (living there, or found by its cases and living nowhere known); audited. */
  async contacts(
    actor: Actor,
    q: { caseId?: string; level?: ContactLevel; limit: number; cursor?: string },
  ): Promise<{ items: Contact[]; nextCursor: string | null }> {
    if (!actor.permissions.includes('tracing.investigate') || !actor.jurisdiction) throw forbidden();
    if (q.caseId) await this.caseFor(actor, q.caseId);
    const rows = await this.repo.contactsPage({
      caseId: q.caseId,
      // Without a case: the people who live here, whichever district's case they were found from, and
      // those found by this jurisdiction's cases whose residence is unknown.
      regionPrefix: q.caseId ? undefined : actor.jurisdiction,
      level: q.level,
      limit: q.limit + 1,
      after: q.cursor,
    });
    const page = rows.slice(0, q.limit);
    await this.audit.recordMany(
      actor,
      page.map((r) => ({
        action: 'view',
        subjectType: 'contact',
        subjectId: r.resident_id ?? r.id,
        purpose: 'list',
        fields: ['name', 'idNumber', 'location'],
        regionCode: r.region_code,
      })),
    );
    return { items: await this.views(page), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
  }

  /** One contact with every exposure. */
  async contact(actor: Actor, id: string): Promise<Contact> {
    if (!actor.permissions.includes('tracing.investigate')) throw forbidden();
    const row = await this.repo.contact(id);
    if (!row) throw notFound();
    // Readable through its case, or because the person lives in the actor's jurisdiction.
    if (!(row.region_code && can(actor, 'tracing.investigate', row.region_code)))
      await this.caseFor(actor, row.case_id);
    await this.audit.record(actor, {
      action: 'view',
      subjectType: 'contact',
      subjectId: row.resident_id ?? row.id,
      purpose: 'view',
      fields: ['name', 'idNumber', 'location'],
      regionCode: row.region_code,
    });
    return (await this.views([row]))[0]!;
  }

  // ---------- passenger manifests and the co-traveller query ----------

  /**
   * Passenger rows from a carrier or another department; all are checked first and a batch with any
   * bad row is refused whole. Cases that travelled on these trips are traced again.
   */
  async importManifestRows(actor: Actor, rows: ManifestRowInput[]): Promise<{ imported: number; retraced: number }> {
    if (!actor.permissions.includes('tracing.import')) throw forbidden();
    const today = shanghaiDate(new Date());
    const problems: FieldProblem[] = [];
    const values: Insertable<TracingManifestRowsTable>[] = [];
    rows.forEach((row, i) => {
      const encoded = sealManifestRow(this.vault, row, today, null);
      if ('problems' in encoded) problems.push(...encoded.problems.map((p) => ({ ...p, path: `rows/${i}/${p.path}` })));
      else values.push(encoded.row);
    });
    if (problems.length) throw invalid('request.invalid', problems.slice(0, 100));
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.insertManifestRows(values, trx);
      await this.audit.record(
        actor,
        {
          action: 'import',
          subjectType: 'manifest',
          subjectId: null,
          purpose: 'contact-tracing',
          fields: ['name', 'idNumber', 'phone'],
        },
        trx as unknown as Db,
      );
    });
    const retraced = await this.retraceTrips(values.map((v) => ({ number: v.number, date: v.travel_date })));
    return { imported: values.length, retraced };
  }

  countManifestRows(): Promise<number> {
    return this.repo.countManifestRows();
  }

  /** Queues discovery again for the cases that took these trips (a manifest arrived after the case). */
  async retraceTrips(trips: { number: string; date: string }[]): Promise<number> {
    const unique = [...new Map(trips.map((t) => [`${t.number}|${t.date}`, t])).values()];
    const caseIds = await this.repo.casesOnTrips(unique);
    for (const caseId of caseIds) await this.jobs.send(DISCOVER_JOB, { caseId });
    return caseIds.length;
  }

  /** 同程查询: did a published case travel on this train or flight that day? No personal data in the answer. */
  async coTravel(q: { date: string; number: string; carriage?: number }): Promise<CoTravelAnswer> {
    // Nobody can have travelled with a case on a day still to come: say so rather than "not found".
    if (q.date > shanghaiDate(new Date()))
      throw invalid('request.invalid', [{ path: 'date', code: 'trip.date_range' }]);
    // Full-width letters and digits (Ｇ１２３４) are what many phone keyboards type.
    const number = q.number.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
    const rows = (await this.repo.publishedTrips(number, q.date)).filter(
      (r) => q.carriage === undefined || r.carriage === null || r.carriage === q.carriage,
    );
    return {
      found: rows.length > 0,
      trips: rows.map((r) => ({
        mode: r.mode,
        number: r.number,
        date: r.travel_date,
        carriage: r.carriage,
        fromStation: r.from_station,
        toStation: r.to_station,
        publishedAt: r.published_at!.toISOString(),
      })),
    };
  }

  // ---------- listeners ----------

  /** Traces a case without a person at the keyboard: the case was confirmed or a manifest arrived (a durable job, retried). */
  async traceAutomatically(caseId: string): Promise<void> {
    await this.discover(caseId, systemActor('contact-tracing'));
  }

  /** A duplicate was merged in or taken out again: both cases are traced anew. */
  async onCaseMerged(caseId: string, duplicateId: string): Promise<void> {
    const actor = systemActor('contact-tracing');
    await this.discover(duplicateId, actor);
    await this.discover(caseId, actor);
  }

  /** An excluded case had no infection: its contacts are cleared. */
  async onCaseClosed(caseId: string, outcome: string): Promise<void> {
    if (outcome === 'excluded') await this.discover(caseId, systemActor('contact-tracing'));
  }

  /** A newly reported case who was someone's contact is linked to that source case. */
  async onCaseReported(e: { caseId: string; residentId: string | null; idNumberIndex: string | null }): Promise<void> {
    const keys = [...(e.residentId ? [`r:${e.residentId}`] : []), ...(e.idNumberIndex ? [`i:${e.idNumberIndex}`] : [])];
    const actor = systemActor('contact-tracing');
    const residents = await this.repo.db.transaction().execute(async (trx) => {
      const open = (await this.repo.openContactsOfPerson(keys, trx)).filter((c) => c.case_id !== e.caseId);
      for (const c of open) {
        await this.repo.updateContact(c.id, { status: 'became_case', became_case_id: e.caseId }, trx);
        const household = c.exposures.some((x) => x.kind === 'household');
        await this.repo.insertLink(
          {
            id: uuidv7(),
            source_case_id: c.case_id,
            target_case_id: e.caseId,
            kind: household ? 'household' : 'contact',
            note: '',
            created_by: actor.label,
          },
          trx,
        );
      }
      const affected = [...new Set(open.flatMap((c) => (c.resident_id ? [c.resident_id] : [])))];
      return this.publishPeople(affected, trx, 'became_case');
    });
    await this.syncHealthCodes(residents, actor);
  }

  // ---------- discovery ----------

  /**
   * Finds the contacts of a case from its investigation and its own check-ins, and brings the stored
   * contacts in line: new ones added, vanished ones cleared, codes and follow-ups changed for an
   * established infection. Safe to run again at any time.
   */
  async discover(caseId: string, actor: Actor): Promise<DiscoveryResult> {
    const started = performance.now();
    const ref = (await this.caseReport.caseRefs([caseId])).get(caseId);
    if (!ref) throw notFound();
    // An excluded case had no infection; a merged duplicate's contacts are the kept case's now.
    const excluded = ref.outcome === 'excluded' || ref.mergedInto !== null;
    const found = excluded ? new Map<string, Found>() : await this.find(ref);
    const now = new Date();
    const tell = notifies(ref);

    const residents = await this.identity.residentCards(
      [...found.values()].flatMap((f) => (f.residentId ? [f.residentId] : [])),
    );
    const { changed, added, cleared, notified } = await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.lockCase(caseId, trx);
      const existing = new Map((await this.repo.contactsOfCase(caseId, trx)).map((c) => [c.person_key, c]));
      const ids = new Map<string, string>();
      for (const [key, c] of existing) ids.set(key, c.id);
      for (const key of found.keys()) if (!ids.has(key)) ids.set(key, uuidv7());
      const inserts: Insertable<TracingContactsTable>[] = [];
      const changedResidents = new Set<string>();
      let addedCount = 0;
      let notifiedCount = 0;
      for (const [key, f] of found) {
        const score = combinedScore(f.exposures.map((x) => x.score));
        const first = new Date(Math.min(...f.exposures.map((x) => Date.parse(x.from))));
        const last = new Date(Math.max(...f.exposures.map((x) => Date.parse(x.to))));
        const card = f.residentId ? residents.get(f.residentId) : undefined;
        const fields = {
          level: f.level,
          resident_id: f.residentId,
          manifest_row_id: f.manifestRowId,
          household_id: f.householdId,
          via_contact_id: f.viaKey ? (ids.get(f.viaKey) ?? null) : null,
          name_masked: card?.maskedName ?? f.nameMasked,
          id_number_masked: card?.maskedIdNumber ?? f.idNumberMasked,
          region_code: card?.regionCode ?? null,
          score,
          rank: rankOf(score),
          first_exposure_at: first,
          last_exposure_at: last,
          exposures: JSON.stringify(f.exposures.map(({ score: _, ...x }) => x)),
        };
        const old = existing.get(key);
        if (!old) {
          addedCount++;
          inserts.push({
            id: ids.get(key)!,
            case_id: caseId,
            case_region_code: ref.regionCode,
            person_key: key,
            status: tell ? 'active' : 'pending',
            became_case_id: null,
            identified_at: now,
            notified_at: tell ? now : null,
            ...fields,
          });
          if (tell) notifiedCount++;
          if (tell && f.residentId) changedResidents.add(f.residentId);
          continue;
        }
        if (old.status === 'became_case') continue;
        const status = tell ? 'active' : old.status === 'active' ? 'active' : 'pending';
        const newlyNotified = status === 'active' && old.status !== 'active';
        if (newlyNotified) notifiedCount++;
        if (
          f.residentId &&
          status === 'active' &&
          (newlyNotified || old.level !== f.level || old.last_exposure_at.getTime() !== last.getTime())
        )
          changedResidents.add(f.residentId);
        // A re-run that finds the same exposures writes nothing.
        if (status !== old.status || !sameFields(old, fields))
          await this.repo.updateContact(
            old.id,
            { ...fields, status, ...(newlyNotified ? { notified_at: now } : {}) },
            trx,
          );
      }
      await this.repo.insertContacts(inserts, trx);
      let clearedCount = 0;
      for (const [key, old] of existing) {
        if (found.has(key) || (old.status !== 'active' && old.status !== 'pending')) continue;
        clearedCount++;
        await this.repo.updateContact(old.id, { status: 'cleared' }, trx);
        if (old.status === 'active' && old.resident_id) changedResidents.add(old.resident_id);
      }
      await this.audit.recordMany(
        actor,
        inserts.map((c) => ({
          action: 'create',
          subjectType: 'contact',
          subjectId: c.resident_id ?? c.id,
          purpose: 'contact-tracing',
          fields: ['name', 'idNumber', 'location'],
          regionCode: c.region_code ?? null,
        })),
        trx as unknown as Db,
      );
      await this.repo.saveInvestigation(caseId, now, Math.round(performance.now() - started), trx);
      const people = await this.publishPeople([...changedResidents], trx, 'cleared');
      return { changed: people, added: addedCount, cleared: clearedCount, notified: notifiedCount };
    });
    await this.syncHealthCodes(changed, actor);
    const levels = [...found.values()];
    return {
      close: levels.filter((f) => f.level === 'close').length,
      secondary: levels.filter((f) => f.level === 'secondary').length,
      added,
      cleared,
      notified,
      tookMs: Math.round(performance.now() - started),
    };
  }

  /** Everyone exposed to the case: at its places, on its trips, in its household, and one hop further. */
  private async find(ref: CaseRef): Promise<Map<string, Found>> {
    const stayMs = this.options.stayMinutes * 60_000;
    const now = Date.now();
    const onset = Date.parse(`${ref.onsetDate}T00:00:00+08:00`);
    const periodFrom = new Date(Math.min(onset, ref.diagnosedAt.getTime()) - this.options.lookbackDays * DAY_MS);
    const casePseudonym = ref.residentId ? await this.healthCode.pseudonymOf(ref.residentId) : null;

    // The case's own check-ins are places too; they stay in the record after check-ins are purged.
    if (casePseudonym) {
      const own = await this.checkIn.visitsOf(casePseudonym, periodFrom, new Date(now));
      const places = await this.checkIn.placeRefs(own.map((o) => o.place_id));
      await this.repo.insertVisits(
        own.map((o) => ({
          id: uuidv7(),
          case_id: ref.id,
          place_id: o.place_id,
          place_name: places.get(o.place_id)?.name ?? '',
          place_address: places.get(o.place_id)?.address ?? '',
          from_at: o.at,
          to_at: new Date(o.at.getTime() + stayMs),
          source: 'check-in' as const,
          check_in_id: o.id,
          note_enc: null,
          created_by: 'check-in',
        })),
      );
    }
    // A duplicate report merged into this case brings its investigation along.
    const caseIds = [ref.id, ...(await this.caseReport.duplicatesOf(ref.id))];
    const [visits, trips, household] = await Promise.all([
      this.repo.visits(caseIds),
      this.repo.trips(caseIds),
      this.repo.household(caseIds),
    ]);
    const found = new Map<string, Found>();
    const add = (key: string, person: Omit<Found, 'exposures'>, exposure: Exposure & { score: number }) => {
      const f = found.get(key);
      if (f) f.exposures.push(exposure);
      else found.set(key, { ...person, exposures: [exposure] });
    };
    const person = (p: Partial<Omit<Found, 'exposures'>>): Omit<Found, 'exposures'> => ({
      level: 'close',
      residentId: null,
      manifestRowId: null,
      householdId: null,
      viaKey: null,
      nameMasked: '',
      idNumberMasked: null,
      ...p,
    });

    // Shared places: a check-in counts as presence for the stay window after it.
    const placed = visits.filter((v) => v.place_id);
    // Places and trips are looked up side by side: on PostgreSQL they run on two connections.
    const [{ others, bySubject }, { passengers, byIndex }] = await Promise.all([
      (async () => {
        const present = await this.checkIn.presentAt(
          placed.map((v, key) => ({
            key,
            placeId: v.place_id!,
            from: new Date(v.from_at.getTime() - stayMs),
            to: v.to_at,
          })),
        );
        const others = present.filter((p) => p.subject !== casePseudonym);
        return { others, bySubject: await this.healthCode.residentsOfPseudonyms(others.map((p) => p.subject)) };
      })(),
      (async () => {
        const passengers = await this.passengersOn(trips);
        return {
          passengers,
          byIndex: await this.identity.residentRefsByIdNumberIndex(passengers.map((p) => p.id_number_bidx)),
        };
      })(),
    ]);
    for (const p of others) {
      const residentId = bySubject.get(p.subject);
      if (!residentId || residentId === ref.residentId) continue;
      const v = placed[p.key]!;
      const caseStay = { from: v.from_at.getTime(), to: v.to_at.getTime() };
      const theirs = { from: p.at.getTime(), to: p.at.getTime() + stayMs };
      const minutes = overlapMinutes(caseStay, theirs);
      add(`r:${residentId}`, person({ residentId }), {
        kind: 'place',
        label: v.place_name,
        via: null,
        from: new Date(Math.max(caseStay.from, theirs.from)).toISOString(),
        to: new Date(Math.max(Math.max(caseStay.from, theirs.from), Math.min(caseStay.to, theirs.to))).toISOString(),
        minutes,
        seatDistance: null,
        score: placeScore(minutes),
      });
    }

    // Shared trips, from the carriers' manifests.
    for (const p of passengers) {
      const t = trips[p.key]!;
      const score = this.seatScore(t, p);
      if (!score || p.id_number_bidx === ref.idNumberIndex) continue;
      const resident = byIndex.get(p.id_number_bidx);
      if (resident && resident.id === ref.residentId) continue;
      add(
        resident ? `r:${resident.id}` : `i:${p.id_number_bidx}`,
        person({
          residentId: resident?.id ?? null,
          manifestRowId: p.id,
          nameMasked: p.name_masked,
          idNumberMasked: p.id_number_masked,
        }),
        {
          kind: t.mode,
          label: tripLabel(t),
          via: null,
          ...dayWindow(t.travel_date),
          minutes: null,
          seatDistance: score.seatDistance,
          score: score.score,
        },
      );
    }

    // The household: together all along.
    for (const h of household) {
      const key = h.resident_id ? `r:${h.resident_id}` : h.id_number_bidx ? `i:${h.id_number_bidx}` : `h:${h.id}`;
      if (h.resident_id && h.resident_id === ref.residentId) continue;
      add(
        key,
        person({
          residentId: h.resident_id,
          householdId: h.id,
          nameMasked: h.name_masked,
          idNumberMasked: h.id_number_masked,
        }),
        {
          kind: 'household',
          label: h.relation,
          via: null,
          from: periodFrom.toISOString(),
          to: new Date(Math.min(now, ref.diagnosedAt.getTime() + DAY_MS)).toISOString(),
          minutes: null,
          seatDistance: null,
          score: HOUSEHOLD_SCORE,
        },
      );
    }

    await this.findSecondary(ref, casePseudonym, found, stayMs, add, person);
    return found;
  }

  /** People who shared a place or a trip with a close contact after the contact's exposure: 次密接. */
  private async findSecondary(
    ref: CaseRef,
    casePseudonym: string | null,
    found: Map<string, Found>,
    stayMs: number,
    add: (key: string, person: Omit<Found, 'exposures'>, exposure: Exposure & { score: number }) => void,
    person: (p: Partial<Omit<Found, 'exposures'>>) => Omit<Found, 'exposures'>,
  ) {
    const close = [...found.entries()].filter(([, f]) => f.residentId);
    const [pseudonyms, cards] = await Promise.all([
      this.healthCode.pseudonymsOf(close.map(([, f]) => f.residentId!)),
      this.identity.residentCards(close.map(([, f]) => f.residentId!)),
    ]);
    const viaNameOf = (closeKey: string) => {
      const via = found.get(closeKey)!;
      return ((via.residentId ? cards.get(via.residentId)?.maskedName : null) ?? via.nameMasked) || null;
    };
    const hop: Hop = {
      ref,
      found,
      exposedSince: (f) => Math.min(...f.exposures.map((x) => Date.parse(x.from))),
      viaNameOf,
      add,
      person,
    };
    // Trips and places are looked up side by side (two connections on PostgreSQL); each only adds
    // secondary contacts, and the trips' side takes its travellers before either adds any.
    await Promise.all([
      this.findSecondaryOnTrips(hop, cards),
      this.findSecondaryAtPlaces(hop, casePseudonym, close, pseudonyms, stayMs),
    ]);
  }

  /** People checked in where a close contact checked in after the contact's exposure. */
  private async findSecondaryAtPlaces(
    { ref, found, exposedSince, viaNameOf, add, person }: Hop,
    casePseudonym: string | null,
    close: [string, Found][],
    pseudonyms: Map<string, string>,
    stayMs: number,
  ) {
    const windows: { key: number; placeId: string; from: Date; to: Date }[] = [];
    const origin: { closeKey: string; at: Date; placeId: string }[] = [];
    const now = new Date();
    const keyOf = new Map<string, string>();
    const since = [];
    for (const [closeKey, f] of close) {
      const pseudonym = pseudonyms.get(f.residentId!);
      if (!pseudonym) continue;
      keyOf.set(pseudonym, closeKey);
      since.push({ subject: pseudonym, since: new Date(exposedSince(f)) });
    }
    for (const v of await this.checkIn.visitsOfMany(since, now)) {
      windows.push({
        key: origin.length,
        placeId: v.place_id,
        from: new Date(v.at.getTime() - stayMs),
        to: new Date(v.at.getTime() + stayMs),
      });
      origin.push({ closeKey: keyOf.get(v.subject)!, at: v.at, placeId: v.place_id });
    }
    if (!windows.length) return;
    const present = await this.checkIn.presentAt(windows);
    const closePseudonyms = new Set(pseudonyms.values());
    const others = present.filter((p) => p.subject !== casePseudonym && !closePseudonyms.has(p.subject));
    const [bySubject, places] = await Promise.all([
      this.healthCode.residentsOfPseudonyms(others.map((p) => p.subject)),
      this.checkIn.placeRefs(origin.map((o) => o.placeId)),
    ]);
    for (const p of others) {
      const residentId = bySubject.get(p.subject);
      const key = `r:${residentId}`;
      if (!residentId || residentId === ref.residentId || found.get(key)?.level === 'close') continue;
      const o = origin[p.key]!;
      const a = { from: o.at.getTime(), to: o.at.getTime() + stayMs };
      const b = { from: p.at.getTime(), to: p.at.getTime() + stayMs };
      const from = Math.max(a.from, b.from);
      add(key, person({ level: 'secondary', residentId, viaKey: o.closeKey }), {
        kind: 'secondary',
        label: places.get(o.placeId)?.name ?? '',
        via: viaNameOf(o.closeKey),
        from: new Date(from).toISOString(),
        to: new Date(Math.max(from, Math.min(a.to, b.to))).toISOString(),
        minutes: overlapMinutes(a, b),
        seatDistance: null,
        score: SECONDARY_SCORE,
      });
    }
  }

  /**
   * Passengers seated near a close contact on a trip the contact took on or after the day of their
   * exposure (see SECONDARY_TRIP_MIN_SCORE; a seat or carriage not known is too wide to count).
   */
  private async findSecondaryOnTrips(
    { ref, found, exposedSince, viaNameOf, add, person }: Hop,
    cards: Map<string, ResidentCard>,
  ) {
    const travellers: { closeKey: string; bidx: string }[] = [];
    for (const [closeKey, f] of found) {
      if (f.level !== 'close') continue;
      const bidx = f.residentId
        ? cards.get(f.residentId)?.idNumberIndex
        : closeKey.startsWith('i:')
          ? closeKey.slice(2)
          : null;
      if (bidx) travellers.push({ closeKey, bidx });
    }
    const neighbours = await this.repo.neighboursOnTrips(
      travellers.map((x, key) => ({
        key,
        bidx: x.bidx,
        since: shanghaiDate(new Date(exposedSince(found.get(x.closeKey)!))),
      })),
      { trainRows: SECONDARY_TRAIN_ROWS, flightRows: this.options.flightRows },
    );
    const travellerBidxs = new Set(travellers.map((x) => x.bidx));
    const near = neighbours.filter(
      (p) => p.id_number_bidx !== ref.idNumberIndex && !travellerBidxs.has(p.id_number_bidx),
    );
    const byIndex = await this.identity.residentRefsByIdNumberIndex(near.map((p) => p.id_number_bidx));
    for (const p of near) {
      // The database found them near; the score is the same rule as for a case's own trip.
      const score = this.seatScore(p, { carriage: p.other_carriage, seat_row: p.other_seat_row });
      if (!score || score.score < SECONDARY_TRIP_MIN_SCORE) continue;
      const resident = byIndex.get(p.id_number_bidx);
      if (resident && resident.id === ref.residentId) continue;
      const key = resident ? `r:${resident.id}` : `i:${p.id_number_bidx}`;
      if (found.get(key)?.level === 'close') continue;
      const closeKey = travellers[p.key]!.closeKey;
      add(
        key,
        person({
          level: 'secondary',
          residentId: resident?.id ?? null,
          manifestRowId: p.id,
          viaKey: closeKey,
          nameMasked: p.name_masked,
          idNumberMasked: p.id_number_masked,
        }),
        {
          kind: 'secondary',
          label: tripLabel(p),
          via: viaNameOf(closeKey),
          ...dayWindow(p.travel_date),
          minutes: null,
          seatDistance: score.seatDistance,
          score: SECONDARY_SCORE,
        },
      );
    }
  }

  /** Everyone on these trips (the carriage of a train, the whole flight or bus), `key` naming the trip. */
  private passengersOn(trips: TripSeat[]) {
    return this.repo.passengers(
      trips.map((t, key) => ({
        key,
        mode: t.mode,
        number: t.number,
        date: t.travel_date,
        carriage: t.mode === 'train' ? t.carriage : null,
      })),
    );
  }

  /** How close a passenger sat to someone on their trip, or null when too far to count. */
  private seatScore(t: TripSeat, other: { carriage: number | null; seat_row: number | null }) {
    return tripScore(
      {
        mode: t.mode,
        number: t.number,
        date: t.travel_date,
        carriage: t.carriage,
        seat: t.seat,
        seatRow: t.seat_row,
      },
      { carriage: other.carriage, seatRow: other.seat_row },
      this.options,
    );
  }

  /**
   * Works out what each resident is now across every case (close beats secondary; the observation
   * runs from the last exposure) and publishes it for the community, in the caller's transaction.
   */
  private async publishPeople(residentIds: string[], trx: Trx, releasedWhy: ContactReleased['why']) {
    const active = groupBy(await this.repo.activeContactsOf(residentIds, trx), (c) => c.resident_id!);
    const people = residentIds.map((residentId) => personStatus(residentId, active.get(residentId) ?? []));
    await this.events.publishMany<ContactReleased>(
      trx as unknown as Db,
      CONTACT_RELEASED,
      people.filter((p) => p.level === 'none').map((p) => ({ residentId: p.residentId, why: releasedWhy })),
    );
    await this.events.publishMany<ContactIdentified>(
      trx as unknown as Db,
      CONTACT_IDENTIFIED,
      people.flatMap((p) =>
        p.level === 'none'
          ? []
          : [
              {
                residentId: p.residentId,
                level: p.level,
                lastExposureAt: p.since!.toISOString(),
                exposure: p.exposure!,
              },
            ],
      ),
    );
    return people;
  }

  /** The person's code follows at once, through the health-code service. */
  private async syncHealthCodes(people: PersonStatus[], actor: Actor) {
    await this.healthCode.setFactsMany(
      people.map((p) => ({
        residentId: p.residentId,
        patch: p.level === 'none' ? { contact: 'none' } : { contact: p.level, contactSince: p.since!.toISOString() },
      })),
      actor,
    );
  }

  /** Runs discovery after an edit of the investigation and answers the investigation as it is now. */
  private async afterChange(actor: Actor, caseId: string): Promise<Investigation> {
    await this.discover(caseId, actor);
    return this.investigation(actor, caseId);
  }

  /** The case if the actor may read it (404 otherwise); `write` also needs the right to investigate there. */
  private async caseFor(actor: Actor, caseId: string, write = false): Promise<CaseRef> {
    if (!actor.permissions.includes('tracing.investigate')) throw forbidden();
    const ref = await this.caseReport.caseRef(actor, caseId);
    if (!can(actor, 'tracing.investigate', ref.regionCode)) throw notFound();
    if (write && ref.outcome === 'excluded') throw new AppError('conflict', 'case.closed');
    if (write && ref.mergedInto) throw new AppError('conflict', 'case.merged');
    return ref;
  }

  private async views(rows: ContactRow[]): Promise<Contact[]> {
    const refs = await this.regions.refs(rows.flatMap((r) => (r.region_code ? [r.region_code] : [])));
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      level: r.level,
      status: r.status,
      name: r.name_masked,
      idNumber: r.id_number_masked,
      residentKnown: r.resident_id !== null,
      region: r.region_code ? (refs.get(r.region_code) ?? null) : null,
      rank: r.rank,
      score: r.score,
      firstExposureAt: r.first_exposure_at.toISOString(),
      lastExposureAt: r.last_exposure_at.toISOString(),
      exposures: r.exposures,
      becameCaseId: r.became_case_id,
      identifiedAt: r.identified_at.toISOString(),
    }));
  }
}

interface PersonStatus {
  residentId: string;
  level: ContactLevel | 'none';
  since: Date | null;
  exposure: ContactIdentified['exposure'] | null;
}

/** Close beats secondary; the period runs from the latest exposure at that level. */
function personStatus(residentId: string, active: ContactRow[]): PersonStatus {
  const level: PersonStatus['level'] = active.some((c) => c.level === 'close')
    ? 'close'
    : active.length
      ? 'secondary'
      : 'none';
  if (level === 'none') return { residentId, level, since: null, exposure: null };
  const atLevel = active.filter((c) => c.level === level);
  const latest = atLevel.reduce((a, b) => (b.last_exposure_at > a.last_exposure_at ? b : a));
  const strongest = [...latest.exposures].sort((a, b) => Date.parse(b.to) - Date.parse(a.to))[0]!;
  return {
    residentId,
    level,
    since: latest.last_exposure_at,
    exposure: { kind: strongest.kind, label: strongest.label, at: strongest.from },
  };
}

/** Contacts are told only once an infection is established; a suspected case's contacts wait. */
const notifies = (ref: CaseRef) => INFECTIOUS.has(ref.classification) && ref.outcome !== 'excluded';

/** `G1234 #5 12F`: the same in every language. */
function tripLabel(t: Pick<TripRow, 'number' | 'carriage' | 'seat'>): string {
  return [t.number, t.carriage !== null ? `#${t.carriage}` : '', t.seat ?? ''].filter(Boolean).join(' ');
}

function dayWindow(date: string): { from: string; to: string } {
  const from = new Date(`${date}T00:00:00+08:00`);
  return { from: from.toISOString(), to: new Date(from.getTime() + DAY_MS - 1000).toISOString() };
}

function runView(r: RunRow): TracingRun {
  const seconds =
    r.started_at && r.done ? ((r.finished_at ?? new Date()).getTime() - r.started_at.getTime()) / 1000 : null;
  return {
    id: r.id,
    status: r.status,
    total: r.total,
    done: r.done,
    contacts: r.contacts,
    failedCases: r.failed_cases,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    casesPerSecond: seconds ? Math.round((r.done / Math.max(seconds, 0.001)) * 10) / 10 : null,
  };
}

function tripView(t: TripRow) {
  return {
    id: t.id,
    mode: t.mode,
    number: t.number,
    date: t.travel_date,
    carriage: t.carriage,
    seat: t.seat,
    fromStation: t.from_station,
    toStation: t.to_station,
    published: t.published_at !== null,
  };
}

/** Whether a stored contact already says what discovery found now. */
function sameFields(
  old: ContactRow,
  fields: Omit<Updateable<TracingContactsTable>, 'exposures'> & { exposures: string },
) {
  const { exposures, ...rest } = fields;
  return (
    Object.entries(rest).every(([k, v]) => {
      const was = old[k as keyof ContactRow];
      return v instanceof Date && was instanceof Date ? v.getTime() === was.getTime() : v === was;
    }) && isDeepStrictEqual(old.exposures, JSON.parse(exposures))
  );
}

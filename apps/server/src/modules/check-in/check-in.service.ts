import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { CheckIn, Place, ScanAnswer } from '@zhengtong/contracts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import { AppError, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { startOfShanghaiDay } from '../../platform/time.ts';
import type { CredentialsService } from '../credentials/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { CheckInRepository } from './check-in.repository.ts';
import type { PlaceRow } from './check-in.tables.ts';
import type { CheckInWriter } from './check-in.writer.ts';

// Crockford base32 without look-alike letters, so a code can also be typed from a poster.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DAY_MS = 86_400_000;
const OFFLINE_SYNC_WINDOW_MS = DAY_MS;
const CARD_THRESHOLD_SECONDS = 3600;
const MAX_OWN_PLACES = 5;

export interface CheckInOptions {
  retentionDays: number;
}

export class CheckInService {
  constructor(
    private readonly repo: CheckInRepository,
    private readonly writer: CheckInWriter,
    private readonly healthCode: HealthCodeService,
    private readonly credentials: CredentialsService,
    private readonly regions: RegionsService,
    private readonly options: CheckInOptions,
  ) {}

  // ---------- places (场所码) ----------

  /** Registers a place in the actor's jurisdiction; its code goes on the poster. */
  async registerPlace(
    actor: Actor,
    input: { name: string; address: string; regionCode: string; kind: string },
  ): Promise<Place> {
    if (!actor.permissions.includes('places.manage')) throw forbidden();
    const region = await this.regions.requireRef(input.regionCode);
    if (!can(actor, 'places.manage', region.code))
      throw invalid('region.outside_jurisdiction', [{ path: 'regionCode', code: 'region.outside_jurisdiction' }]);
    const row = {
      id: uuidv7(),
      code: placeCode(),
      name: input.name.trim(),
      address: input.address.trim(),
      kind: input.kind,
      region_code: region.code,
      owner_id: actor.id,
    };
    await this.repo.insertPlace(row);
    return this.getPlace(actor, row.id);
  }

  /**
   * Public venue sign-up: a shopkeeper without a staff account registers their own place from the
   * resident app, with the phone they signed in with; a few places per person.
   */
  async registerOwnPlace(
    actor: Actor,
    input: { name: string; address: string; regionCode: string; kind: string },
  ): Promise<Place> {
    if (actor.kind !== 'resident') throw forbidden();
    const region = await this.regions.requireRef(input.regionCode);
    if ((await this.repo.placesOwnedBy(actor.id)).length >= MAX_OWN_PLACES)
      throw new AppError('conflict', 'place.limit');
    const row = {
      id: uuidv7(),
      code: placeCode(),
      name: input.name.trim(),
      address: input.address.trim(),
      kind: input.kind,
      region_code: region.code,
      owner_id: actor.id,
    };
    await this.repo.insertPlace(row);
    return (await this.views([(await this.repo.place(row.id))!]))[0]!;
  }

  /** Demo places, once: the demo city should have somewhere to check in. */
  async seedPlaces(places: { name: string; address: string; regionCode: string; kind: string }[]): Promise<void> {
    if (await this.repo.anyPlace()) return;
    await this.addPlaces(places, 'demo');
  }

  /** Registers many places at once (demo and synthetic load for benchmarks); answers their ids. */
  async addPlaces(
    places: { name: string; address: string; regionCode: string; kind: string }[],
    owner = 'synthetic',
  ): Promise<string[]> {
    const rows = places.map((p) => ({
      id: uuidv7(),
      code: placeCode(),
      name: p.name,
      address: p.address,
      kind: p.kind,
      region_code: p.regionCode,
      owner_id: owner,
    }));
    await this.repo.insertPlaces(rows);
    return rows.map((r) => r.id);
  }

  /** Places registered for synthetic load, oldest first. */
  syntheticPlaces(): Promise<{ id: string; region_code: string }[]> {
    return this.repo.placesOwnedBy('synthetic').then((rows) => rows.reverse());
  }

  /** Writes many check-ins at once (synthetic load for benchmarks), by the same path as scans. */
  async addCheckIns(rows: { subject: string; placeId: string; regionCode: string; at: Date }[]): Promise<void> {
    await this.repo.insertCheckIns(
      rows.map((r) => ({
        id: uuidv7({ msecs: r.at.getTime() }),
        subject: r.subject,
        place_id: r.placeId,
        region_code: r.regionCode,
        at: r.at,
        colour: 'green',
        method: 'place-scan',
        recorded_by: null,
      })),
    );
  }

  countCheckIns(): Promise<number> {
    return this.repo.countCheckIns();
  }

  /** The places a resident registered themselves. */
  async ownPlaces(actor: Actor): Promise<{ items: Place[] }> {
    if (actor.kind !== 'resident') throw forbidden();
    return { items: await this.views(await this.repo.placesOwnedBy(actor.id)) };
  }

  async listPlaces(actor: Actor, q: { limit: number; cursor?: string }) {
    if (!actor.permissions.includes('places.manage') || !actor.jurisdiction) throw forbidden();
    const rows = await this.repo.placesWithin(actor.jurisdiction, q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    return { items: await this.views(page), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
  }

  async getPlace(actor: Actor, id: string): Promise<Place> {
    if (!actor.permissions.includes('places.manage')) throw forbidden();
    const row = await this.repo.place(id);
    if (!row || !can(actor, 'places.manage', row.region_code)) throw notFound('place.not_found');
    return (await this.views([row]))[0]!;
  }

  async setPlaceActive(actor: Actor, id: string, active: boolean): Promise<Place> {
    await this.getPlace(actor, id);
    await this.repo.setPlaceActive(id, active);
    return this.getPlace(actor, id);
  }

  /** What a scanning resident sees before checking in: name and address only. */
  async publicPlace(code: string) {
    const row = await this.activePlace(code);
    return {
      code: row.code,
      name: row.name,
      address: row.address,
      region: await this.regions.requireRef(row.region_code),
    };
  }

  // ---------- check-ins ----------

  /** A resident scanned a place code: recorded at once, answered with a full-screen pass. */
  async checkInAtPlace(actor: Actor, code: string) {
    if (actor.kind !== 'resident') throw forbidden();
    if (!actor.residentId) throw new AppError('conflict', 'health_code.no_resident');
    const place = await this.activePlace(code);
    const holder = await this.healthCode.holderOf(actor.residentId);
    if (!holder) throw new AppError('conflict', 'health_code.declaration_required');
    const at = new Date();
    const row = {
      id: uuidv7(),
      subject: holder.pseudonym,
      place_id: place.id,
      region_code: place.region_code,
      at,
      colour: holder.status.colour,
      method: 'place-scan' as const,
      recorded_by: null,
    };
    await this.repo.insertCheckIns([row]);
    return {
      checkIn: checkInView({ ...row, place_code: place.code, place_name: place.name, place_address: place.address }),
      maskedName: holder.maskedName,
      explanation: holder.status.explanation,
    };
  }

  /**
   * A checkpoint scanned a person's code: verified against the trust list and, for a valid health
   * code, a check-in is queued for the next batch. Offline scans sync later with the time they were made.
   */
  async scan(actor: Actor, input: { text: string; placeId?: string; scannedAt?: string }): Promise<ScanAnswer> {
    if (!actor.permissions.includes('health.verify')) throw forbidden();
    const now = Date.now();
    let at = now;
    if (input.scannedAt) {
      at = Date.parse(input.scannedAt);
      if (at > now + 60_000 || now - at > OFFLINE_SYNC_WINDOW_MS)
        throw invalid('request.invalid', [{ path: 'scannedAt', code: 'field.out_of_range' }]);
    }
    let place: PlaceRow | undefined;
    if (input.placeId) {
      place = await this.repo.place(input.placeId);
      if (!place || !place.active) throw notFound('place.not_found');
    }
    const v = await this.credentials.verify(input.text, Math.floor(at / 1000));
    if (v.result !== 'valid')
      return { result: v.result, ...(v.result === 'malformed' ? { stage: v.stage } : {}), checkedIn: false };
    const { zt } = v.claims;
    const answer: ScanAnswer = {
      result: 'valid',
      issuer: v.claims.iss,
      expiresAt: new Date(v.claims.exp * 1000).toISOString(),
      checkedIn: false,
    };
    if (zt.t !== 'hc') return answer;
    answer.colour = zt.c;
    // A printed card lives a week: online, the person's colour now counts, not the one printed.
    if (v.claims.exp - v.claims.iat > CARD_THRESHOLD_SECONDS && v.claims.iss === this.credentials.issuer)
      answer.colour = (await this.healthCode.currentColourOf(v.claims.sub)) ?? zt.c;
    if (zt.n) answer.maskedName = zt.n;
    this.writer.add({
      id: uuidv7(),
      subject: v.claims.sub,
      place_id: place?.id ?? null,
      region_code: place?.region_code ?? actor.jurisdiction ?? '',
      at: new Date(at),
      colour: answer.colour,
      method: 'verifier',
      recorded_by: actor.id,
    });
    answer.checkedIn = true;
    return answer;
  }

  /** The resident's own check-ins, newest first. */
  async myCheckIns(
    actor: Actor,
    q: { limit: number; cursor?: string },
  ): Promise<{ items: CheckIn[]; nextCursor: string | null }> {
    if (actor.kind !== 'resident') throw forbidden();
    const pseudonym = actor.residentId ? await this.healthCode.pseudonymOf(actor.residentId) : null;
    if (!pseudonym) return { items: [], nextCursor: null };
    const rows = await this.repo.checkInsOf(pseudonym, q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    return { items: page.map(checkInView), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
  }

  /** Every check-in held under a pseudonym, for the person's data export. */
  async checkInsOf(pseudonym: string): Promise<CheckIn[]> {
    await this.writer.flush();
    return (await this.repo.checkInsOf(pseudonym, 10_000)).map(checkInView);
  }

  /** Deletes a person's check-ins (erasure request); answers how many. */
  async eraseCheckIns(pseudonym: string): Promise<number> {
    await this.writer.flush();
    return this.repo.deleteCheckInsOf(pseudonym);
  }

  /** Deletes check-ins older than the retention period (default 28 days). */
  async purgeCheckIns(now = new Date()) {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    return { cutoff, rows: await this.repo.purgeCheckIns(cutoff) };
  }

  // ---------- for contact tracing ----------

  /**
   * Who checked in at these places within these times (contact tracing): by pseudonym, with the
   * check-in's id and time. Queued checkpoint scans are written first, so none is missed.
   */
  async presentAt(windows: { key: number; placeId: string; from: Date; to: Date }[]) {
    await this.writer.flush();
    return this.repo.presentAt(windows);
  }

  /** Where a pseudonym checked in during a period (a case's own movements), oldest first. */
  async visitsOf(subject: string, from: Date, to: Date) {
    await this.writer.flush();
    return this.repo.visitsOf(subject, from, to);
  }

  /** For contact tracing: several pseudonyms' visits, each from its own time on, oldest first. */
  async visitsOfMany(from: { subject: string; since: Date }[], to: Date) {
    await this.writer.flush();
    return this.repo.visitsOfMany(from, to);
  }

  /** Registered places by code (an investigator names a place by its code) or by id. */
  async placeRefByCode(code: string): Promise<PlaceRef | null> {
    const row = await this.repo.placeByCode(code.trim().toUpperCase());
    return row ? placeRef(row) : null;
  }
  /** Places by part of their name or address, or by code (an investigator looks one up). */
  async searchPlaces(q: string, limit = 20): Promise<PlaceRef[]> {
    return (await this.repo.searchPlaces(q.trim(), limit)).map(placeRef);
  }
  async placeRefs(ids: string[]): Promise<Map<string, PlaceRef>> {
    return new Map((await this.repo.placesByIds([...new Set(ids)])).map((r) => [r.id, placeRef(r)]));
  }

  /** Writes queued checkpoint check-ins now (tests, shutdown). */
  flush() {
    return this.writer.flush();
  }

  private async activePlace(code: string) {
    const row = await this.repo.placeByCode(code.trim().toUpperCase());
    if (!row || !row.active) throw notFound('place.not_found');
    return row;
  }

  private async views(rows: PlaceRow[]): Promise<Place[]> {
    const refs = await this.regions.refs(rows.map((r) => r.region_code));
    const counts = await this.repo.countsSince(
      rows.map((r) => r.id),
      startOfShanghaiDay(new Date()),
    );
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      address: r.address,
      kind: r.kind as Place['kind'],
      region: refs.get(r.region_code)!,
      active: r.active,
      checkInsToday: counts.get(r.id) ?? 0,
      createdAt: r.created_at.toISOString(),
    }));
  }
}

function checkInView(r: {
  id: string;
  at: Date;
  colour: CheckIn['colour'];
  method: CheckIn['method'];
  place_code: string | null;
  place_name: string | null;
  place_address: string | null;
}): CheckIn {
  return {
    id: r.id,
    at: r.at.toISOString(),
    colour: r.colour,
    method: r.method,
    place: { code: r.place_code ?? '', name: r.place_name ?? '', address: r.place_address ?? '' },
  };
}

/** A place as other modules see it: public facts of a venue, no owner. */
export interface PlaceRef {
  id: string;
  code: string;
  name: string;
  address: string;
  regionCode: string;
}

const placeRef = (r: PlaceRow): PlaceRef => ({
  id: r.id,
  code: r.code,
  name: r.name,
  address: r.address,
  regionCode: r.region_code,
});

function placeCode(): string {
  return [...randomBytes(10)].map((b) => CODE_ALPHABET[b & 31]).join('');
}

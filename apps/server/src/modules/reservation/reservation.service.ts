import { v7 as uuidv7 } from 'uuid';
import type {
  Campaign,
  CampaignInput,
  DrawRecord,
  Entry,
  PickupCode,
  QueueState,
  RedeemAnswer,
  RedeemSite,
  Reservation,
  reservationChannels,
} from '@zhengtong/contracts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { groupBy } from '../../platform/collections.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import { Recent } from '../../platform/snapshots.ts';
import type { CredentialsService } from '../credentials/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { SuppliesService } from '../supplies/index.ts';
import type { IdentityService, ResidentRef } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { ReservationEntries } from './reservation.entries.ts';
import type { ReservationBooker } from './reservation.booker.ts';
import type { ReservationRepository, SlotToReserve } from './reservation.repository.ts';
import type { StockGate } from './reservation.stock-gate.ts';
import type { CampaignRow, ReservationRow } from './reservation.tables.ts';
import type { WaitingRoom } from './reservation.waiting-room.ts';

/** A pickup code lives until its slot ends (at most a week, the credential maximum). */
const MAX_PICKUP_SECONDS = 7 * 86_400;

/**
 * 预约: campaigns of masks at pharmacies, tests at sites and clinic time slots. The database keeps the
 * invariants (a slot's quota, one live reservation per person and campaign), so no number of servers,
 * clicks or retries oversells or doubles; a reservation is durable once answered.
 */
export class ReservationService {
  // What every arrival and every waiting person's question needs, held for the read age (a surge asks
  // the same slot, campaign and person again and again; the database still guards each booking).
  private readonly slots: Recent<SlotToReserve | undefined>;
  private readonly campaignRows: Recent<CampaignRow | undefined>;
  private readonly residentRefs: Recent<ResidentRef | null>;

  constructor(
    private readonly repo: ReservationRepository,
    private readonly identity: IdentityService,
    private readonly regions: RegionsService,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditLog,
    private readonly room: WaitingRoom,
    private readonly gate: StockGate,
    private readonly entries: ReservationEntries,
    private readonly booker: ReservationBooker,
    private readonly healthCode: HealthCodeService,
    private readonly supplies: SuppliesService,
    readAgeMs: number,
  ) {
    this.slots = new Recent(readAgeMs);
    this.campaignRows = new Recent(readAgeMs);
    this.residentRefs = new Recent(readAgeMs, 100_000);
  }

  // ---------- campaigns (officials) ----------

  /** Creates a campaign as a draft, with its sites and slots. */
  async createCampaign(actor: Actor, input: CampaignInput): Promise<Campaign> {
    this.requireManage(actor, input.regionCode);
    const problems: FieldProblem[] = [];
    const known = await this.regions.refs([input.regionCode, ...input.sites.map((s) => s.regionCode)]);
    if (!known.has(input.regionCode)) problems.push({ path: 'regionCode', code: 'region.unknown' });
    if (input.mode === 'lottery' && !input.registrationEndsAt)
      problems.push({ path: 'registrationEndsAt', code: 'reservation.registration_required' });
    input.sites.forEach((site, s) => {
      if (!site.regionCode.startsWith(input.regionCode))
        problems.push({ path: `sites/${s}/regionCode`, code: 'reservation.site_outside' });
      else if (!known.has(site.regionCode)) problems.push({ path: `sites/${s}/regionCode`, code: 'region.unknown' });
      site.slots.forEach((slot, i) => {
        if (Date.parse(slot.endsAt) <= Date.parse(slot.startsAt))
          problems.push({ path: `sites/${s}/slots/${i}/endsAt`, code: 'reservation.slot_window' });
      });
    });
    if (input.supplyItemId && !(await this.supplies.item(input.supplyItemId)))
      problems.push({ path: 'supplyItemId', code: 'supplies.item_not_found' });
    for (const [s, site] of input.sites.entries()) {
      if (!site.stockLocationId) continue;
      const stock = await this.supplies.location(site.stockLocationId);
      if (!stock) problems.push({ path: `sites/${s}/stockLocationId`, code: 'supplies.location_not_found' });
      else if (!stock.regionCode.startsWith(input.regionCode))
        problems.push({ path: `sites/${s}/stockLocationId`, code: 'reservation.site_outside' });
    }
    if (problems.length) throw invalid('request.invalid', problems);
    const id = uuidv7();
    const sites = input.sites.map((s) => ({
      id: uuidv7(),
      campaign_id: id,
      name: s.name.trim(),
      address: s.address.trim(),
      region_code: s.regionCode,
      stock_location_id: s.stockLocationId ?? null,
    }));
    const slots = input.sites.flatMap((s, i) =>
      s.slots.map((slot) => ({
        id: uuidv7(),
        campaign_id: id,
        site_id: sites[i]!.id,
        starts_at: new Date(slot.startsAt),
        ends_at: new Date(slot.endsAt),
        quota: slot.quota,
      })),
    );
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.insertCampaign(
        {
          id,
          kind: input.kind,
          title: input.title.trim(),
          region_code: input.regionCode,
          mode: input.mode,
          status: 'draft',
          once_per_days: input.oncePerDays,
          items_per_person: input.itemsPerPerson,
          opens_at: input.opensAt ? new Date(input.opensAt) : null,
          registration_ends_at:
            input.mode === 'lottery' && input.registrationEndsAt ? new Date(input.registrationEndsAt) : null,
          draw_seed: null,
          drawn_at: null,
          supply_item_id: input.supplyItemId ?? null,
          created_by: actor.label,
          opened_at: null,
          closed_at: null,
        },
        sites,
        slots,
        trx,
      );
    });
    return this.campaignFor(actor, id);
  }

  /** Opens a draft for reservations, or closes an open campaign. */
  async setStatus(actor: Actor, id: string, status: 'open' | 'closed'): Promise<Campaign> {
    const row = await this.managed(actor, id);
    if (status === 'open' && row.status !== 'draft') throw new AppError('conflict', 'reservation.not_draft');
    if (status === 'closed' && row.status !== 'open') throw new AppError('conflict', 'reservation.not_open');
    await this.repo.setCampaign(
      id,
      status === 'open' ? { status, opened_at: new Date() } : { status, closed_at: new Date() },
    );
    // This process tells its own readers at once; others within the read age.
    this.campaignRows.forget(id);
    for (const s of await this.repo.slotsOf([id])) this.slots.forget(s.id);
    return this.campaignFor(actor, id);
  }

  /** Campaigns within the official's jurisdiction, newest first. */
  async listManaged(actor: Actor, q: { limit: number; cursor?: string }) {
    if (!actor.permissions.includes('reservations.manage') || !actor.jurisdiction) throw forbidden();
    const rows = await this.repo.campaigns({ within: actor.jurisdiction, limit: q.limit + 1, before: q.cursor });
    const page = rows.slice(0, q.limit);
    return {
      items: await this.views(page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  async campaignFor(actor: Actor, id: string): Promise<Campaign> {
    const row = await this.managed(actor, id);
    return (await this.views([row]))[0]!;
  }

  // ---------- residents ----------

  /** Where the signed-in resident lives: the region whose open campaigns they may join. */
  async regionOf(actor: Actor): Promise<string> {
    return (await this.residentOf(actor)).regionCode;
  }

  /** The open campaigns anyone living in the region may join, with the places left at each site. */
  async openIn(regionCode: string): Promise<{ items: Campaign[] }> {
    if (!(await this.regions.refs([regionCode])).has(regionCode)) throw notFound('region.unknown');
    const rows = await this.repo.campaigns({ containing: regionCode, status: ['open'], limit: 100 });
    // A campaign whose every slot is over has nothing left to join.
    const now = Date.now();
    const items = (await this.views(rows)).filter((c) =>
      c.sites.some((s) => s.slots.some((slot) => Date.parse(slot.endsAt) > now)),
    );
    return { items };
  }

  /** One open campaign as a resident sees it. */
  async publicCampaign(id: string): Promise<Campaign> {
    const row = await this.repo.campaign(id);
    if (!row || row.status === 'draft') throw notFound();
    return (await this.views([row]))[0]!;
  }

  /**
   * Reserves a place in a slot: once per person and campaign (and per kind within the set days). A
   * resident may reserve for someone they hold codes for (代预约, `proxyId`), on the same terms.
   */
  async reserve(actor: Actor, slotId: string, proxyId?: string): Promise<Reservation> {
    const resident = proxyId
      ? await this.residentById(await this.healthCode.proxySubject(actor, proxyId))
      : await this.residentOf(actor);
    return this.reserveFor(actor, resident, slotId, proxyId ? 'proxy' : 'self');
  }

  /**
   * A hotline operator or grid worker reserves for a person without a smartphone, found by ID number
   * and name, within their jurisdiction: the same line, the same places; the person picks up with
   * their ID card.
   */
  async assist(actor: Actor, input: { idNumber: string; name: string; slotId: string }): Promise<Reservation> {
    return this.reserveFor(actor, await this.assisted(actor, input), input.slotId, 'operator');
  }

  /** What an operator may reserve for the person: the open first-come campaigns of where they live. */
  async assistLookup(actor: Actor, input: { idNumber: string; name: string }) {
    const person = await this.assisted(actor, input);
    const rows = await this.repo.campaigns({ containing: person.regionCode, status: ['open'], limit: 100 });
    const now = Date.now();
    // What the person could reserve now: first come, already opened (the room is the same for them).
    const open = rows.filter((c) => c.mode === 'first_come' && (!c.opens_at || c.opens_at.getTime() <= now));
    const campaigns = (await this.views(open)).filter((c) =>
      c.sites.some((s) => s.slots.some((slot) => Date.parse(slot.endsAt) > now)),
    );
    return { maskedName: person.maskedName, campaigns };
  }

  private async assisted(actor: Actor, input: { idNumber: string; name: string }) {
    if (!actor.permissions.includes('reservations.assist')) throw forbidden();
    const person = await this.identity.matchResident(input.idNumber, input.name);
    if (!person || !can(actor, 'reservations.assist', person.regionCode))
      throw invalid('request.invalid', [{ path: 'idNumber', code: 'reservation.person_not_found' }]);
    await this.audit.record(actor, {
      action: 'read',
      subjectType: 'resident',
      subjectId: person.id,
      purpose: 'reservation',
      fields: ['idNumber', 'name'],
      regionCode: person.regionCode,
    });
    return person;
  }

  private async reserveFor(
    actor: Actor,
    resident: { id: string; regionCode: string },
    slotId: string,
    channel: (typeof reservationChannels)[number],
  ): Promise<Reservation> {
    const slot = await this.slots.get(slotId, () => this.repo.slotToReserve(slotId));
    if (!slot) throw invalid('request.invalid', [{ path: 'slotId', code: 'reservation.slot_not_found' }]);
    if (slot.status !== 'open') throw new AppError('conflict', 'reservation.not_open');
    if (slot.mode === 'lottery') throw new AppError('conflict', 'reservation.lottery_only');
    if (slot.ends_at.getTime() <= Date.now()) throw new AppError('conflict', 'reservation.slot_over');
    if (!resident.regionCode.startsWith(slot.region_code)) throw new AppError('forbidden', 'reservation.not_eligible');
    if (slot.opens_at && slot.opens_at.getTime() > Date.now())
      throw new AppError('conflict', 'reservation.not_yet_open');
    const place = await this.room.join(slot.campaign_id, resident.id, slot.opens_at);
    if (!place.admitted)
      throw new AppError('too_many', 'reservation.waiting', {
        retryAfterSeconds: Math.max(1, place.retryAfterSeconds),
      });
    // Admitted, but this process is at its limit: told at once to come back, not kept waiting behind it.
    if (!this.room.enter()) {
      this.room.observe(0, true);
      throw new AppError('unavailable', 'server.busy', { retryAfterSeconds: this.room.busyRetryAfterSeconds() });
    }
    // Only the admitted's reservations tell the controller how the backend keeps up: the arrivals it
    // turns away, and refusals of an overloaded process before any work (503), are not what it admits.
    const started = performance.now();
    try {
      return await this.reserveAdmitted(actor, resident, slot, channel);
    } finally {
      this.room.leave();
      this.room.observe(performance.now() - started, false);
    }
  }

  private async reserveAdmitted(
    actor: Actor,
    resident: { id: string; regionCode: string },
    slot: SlotToReserve,
    channel: (typeof reservationChannels)[number],
  ): Promise<Reservation> {
    // Second-click, in-progress and sold-out answers come from the shared cache in one step; only
    // people with a place left reach the database, which still decides.
    const claim = await this.gate.claim(slot.campaign_id, resident.id, slot.id, slot.quota - slot.taken);
    if (claim === 'held') throw new AppError('conflict', 'reservation.already');
    // A person's second request while the first is still running would spend a place of the counter
    // that the database then refuses: it is told to wait for the first instead.
    if (claim === 'busy') throw new AppError('conflict', 'reservation.in_progress');
    if (claim === 'sold_out') throw new AppError('conflict', 'reservation.sold_out');
    const row: ReservationRow = {
      id: uuidv7(),
      campaign_id: slot.campaign_id,
      kind: slot.kind,
      slot_id: slot.id,
      site_id: slot.site_id,
      resident_id: resident.id,
      items: slot.items_per_person,
      status: 'confirmed',
      channel,
      made_by: actor.label,
      created_at: new Date(),
      redeemed_at: null,
      redeemed_by: null,
      cancelled_at: null,
    };
    try {
      await this.booker.book({ actor, row, oncePerDays: slot.once_per_days, regionCode: resident.regionCode });
    } catch (e) {
      // The person hears why the database refused, even if the cache failed too: its counter reloads
      // from the database within seconds, and the in-progress mark expires.
      await this.gate.abandon(slot.campaign_id, resident.id, slot.id).catch(() => undefined);
      throw e;
    }
    // Committed: the person is told so even if the cache fails now. Without the held mark their next
    // click reaches the database's unique index, which refuses it; the in-progress mark expires.
    await this.gate.settle(slot.campaign_id, resident.id).catch(() => undefined);
    // The answer is built from what is known: reading the reservation back would cost a surge three queries.
    return this.reservationView(
      row,
      slot.title,
      { name: slot.site_name, address: slot.site_address },
      { starts_at: slot.starts_at, ends_at: slot.ends_at },
    );
  }

  /** Joins the campaign's waiting room (again: the person keeps their place) and says where they stand. */
  async joinQueue(actor: Actor, campaignId: string): Promise<QueueState> {
    const { campaign, resident } = await this.joinable(actor, campaignId);
    return this.room.join(campaign.id, resident.id, campaign.opens_at);
  }

  /** Where the resident stands in the campaign's waiting room. */
  async queueState(actor: Actor, campaignId: string): Promise<QueueState> {
    const { campaign, resident } = await this.joinable(actor, campaignId);
    return this.room.state(campaign.id, resident.id, campaign.opens_at);
  }

  /** Where the holder of a waiting-room ticket stands; a ticket not ours or expired is refused. */
  async ticketState(ticket: string): Promise<QueueState> {
    const state = await this.room.ticketState(ticket);
    if (!state) throw new AppError('unauthenticated', 'reservation.ticket_invalid');
    return state;
  }

  /** The resident's reservations, newest first. */
  async mine(actor: Actor): Promise<{ items: Reservation[] }> {
    const resident = await this.residentOf(actor);
    return { items: await this.reservationViews(await this.repo.reservationsOf(resident.id, actor.label, 100)) };
  }

  /** The pickup code of a confirmed reservation: a ZT1 credential the site verifies. */
  async pickupCode(actor: Actor, id: string): Promise<PickupCode> {
    const r = await this.own(actor, id);
    if (r.status !== 'confirmed') throw new AppError('conflict', `reservation.${r.status}`);
    const slot = (await this.repo.slot(r.slot_id))!;
    const seconds = Math.min(MAX_PICKUP_SECONDS, Math.ceil((slot.ends_at.getTime() - Date.now()) / 1000));
    if (seconds <= 0) throw new AppError('conflict', 'reservation.expired');
    const code = await this.credentials.sign({ t: 'pickup', r: r.id, s: r.site_id }, r.id.replace(/-/g, ''), seconds);
    return { text: code.text, expiresAt: new Date(code.exp * 1000).toISOString() };
  }

  /** Cancels a confirmed reservation; its place is free for someone else at once. */
  async cancel(actor: Actor, id: string): Promise<Reservation> {
    const r = await this.own(actor, id);
    await this.repo.db.transaction().execute(async (trx) => {
      if (!(await this.repo.transition(r.id, 'confirmed', { status: 'cancelled', cancelled_at: new Date() }, trx)))
        throw new AppError('conflict', `reservation.${(await this.repo.reservation(r.id, trx))!.status}`);
      await this.repo.releasePlace(r.slot_id, trx);
    });
    await this.gate.release(r.campaign_id, r.resident_id, r.slot_id);
    // The freed place goes to the waiting list first, if the campaign has one.
    await this.entries.serveWaiting(r.campaign_id);
    return (await this.reservationViews([(await this.repo.reservation(id))!]))[0]!;
  }

  // ---------- registrations: lottery and waiting list ----------

  /** Registers for the campaign's lottery, or on its waiting list when it is full (候补). */
  async register(actor: Actor, campaignId: string, siteId?: string): Promise<Entry> {
    const resident = await this.residentOf(actor);
    const campaign = await this.repo.campaign(campaignId);
    if (!campaign || campaign.status === 'draft') throw notFound();
    return this.entries.register(actor, resident, campaign, siteId);
  }

  /** Sends the SMS notices of places won in the campaign (lottery or waiting list) not sent yet (a job). */
  notifyWon(campaignId: string): Promise<number> {
    return this.entries.notifyWon(campaignId);
  }

  /** The resident's registrations, newest first. */
  async myEntries(actor: Actor): Promise<{ items: Entry[] }> {
    return { items: await this.entries.mine(await this.residentOf(actor)) };
  }

  /** Withdraws a registration still waiting. */
  async withdrawEntry(actor: Actor, id: string): Promise<Entry> {
    return this.entries.withdraw(await this.residentOf(actor), id);
  }

  /** Draws a lottery once its registration has closed, with the seed announced beforehand. */
  async draw(actor: Actor, campaignId: string, seed: string): Promise<DrawRecord> {
    return this.entries.draw(actor, await this.managed(actor, campaignId), seed.trim());
  }

  /** The published record of a draw, for anyone to check. */
  publicDraw(campaignId: string): Promise<DrawRecord> {
    return this.entries.drawRecord(campaignId);
  }

  // ---------- sites ----------

  /** The sites where the staff member may redeem: within their jurisdiction, of open campaigns first. */
  async redeemSites(actor: Actor): Promise<{ items: RedeemSite[] }> {
    if (!actor.permissions.includes('reservations.redeem') || !actor.jurisdiction) throw forbidden();
    const rows = await this.repo.sitesWithin(actor.jurisdiction, 500);
    return {
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        address: r.address,
        campaignId: r.campaign_id,
        campaignTitle: r.title,
        campaignStatus: r.status,
      })),
    };
  }

  /**
   * The site scans a pickup code, or reads the ID card of a person who reserved without a phone, and
   * hands out the items once.
   */
  async redeem(actor: Actor, input: { text?: string; idNumber?: string; siteId: string }): Promise<RedeemAnswer> {
    if (!actor.permissions.includes('reservations.redeem')) throw forbidden();
    const site = await this.repo.site(input.siteId);
    if (!site || !can(actor, 'reservations.redeem', site.region_code))
      throw invalid('request.invalid', [{ path: 'siteId', code: 'reservation.site_not_found' }]);
    const r = input.text ? await this.byPickupCode(input.text, site.id) : await this.byIdCard(input.idNumber, site.id);
    const [slot, campaign] = await Promise.all([this.repo.slot(r.slot_id), this.repo.campaign(r.campaign_id)]);
    if (r.status === 'confirmed' && slot!.ends_at.getTime() < Date.now())
      throw new AppError('conflict', 'pickup.expired');
    const itemId = campaign!.supply_item_id;
    await this.repo.db.transaction().execute(async (trx) => {
      if (
        !(await this.repo.transition(
          r.id,
          'confirmed',
          { status: 'redeemed', redeemed_at: new Date(), redeemed_by: actor.label },
          trx,
        ))
      ) {
        const now = (await this.repo.reservation(r.id, trx))!.status;
        throw new AppError('conflict', now === 'redeemed' ? 'pickup.already_redeemed' : `reservation.${now}`);
      }
      // The items leave the pharmacy's stock with the hand-over, or neither happens (short stock).
      if (itemId && site.stock_location_id)
        await this.supplies.issueWithin(trx as unknown as Db, {
          locationId: site.stock_location_id,
          itemId,
          quantity: r.items,
          referenceKind: 'reservation',
          referenceId: r.id,
          actor,
        });
      await this.audit.record(
        actor,
        {
          action: 'update',
          subjectType: 'reservation',
          subjectId: r.resident_id,
          purpose: 'reservation',
          fields: ['name'],
          regionCode: site.region_code,
        },
        trx as unknown as Db,
      );
    });
    const card = (await this.identity.residentCards([r.resident_id])).get(r.resident_id);
    return {
      reservationId: r.id,
      name: card?.maskedName ?? '',
      items: r.items,
      slot: { startsAt: slot!.starts_at.toISOString(), endsAt: slot!.ends_at.toISOString() },
    };
  }

  private async byPickupCode(text: string, siteId: string): Promise<ReservationRow> {
    const v = await this.credentials.verify(text);
    if (v.result === 'expired') throw new AppError('conflict', 'pickup.expired');
    if (v.result !== 'valid' || v.claims.zt.t !== 'pickup')
      throw invalid('request.invalid', [{ path: 'text', code: 'pickup.invalid' }]);
    const body = v.claims.zt;
    if (body.s !== siteId) throw new AppError('conflict', 'pickup.other_site');
    const r = await this.repo.reservation(body.r);
    if (!r) throw invalid('request.invalid', [{ path: 'text', code: 'pickup.invalid' }]);
    return r;
  }

  /** The person's live reservation at this site, found from the ID card they show. */
  private async byIdCard(idNumber: string | undefined, siteId: string): Promise<ReservationRow> {
    if (!idNumber) throw invalid('request.invalid', [{ path: 'text', code: 'pickup.invalid' }]);
    const person = await this.identity.residentRefByIdNumber(idNumber);
    const r = person ? await this.repo.liveAtSite(person.id, siteId) : undefined;
    if (!r) throw new AppError('conflict', 'pickup.none_for_person');
    return r;
  }

  /** No-shows: confirmed reservations whose slot has ended expire (scheduled). */
  expireNoShows(now = new Date()): Promise<number> {
    return this.repo.expireNoShows(now);
  }

  // ---------- internals ----------

  private requireManage(actor: Actor, regionCode: string) {
    if (!actor.permissions.includes('reservations.manage')) throw forbidden();
    if (!can(actor, 'reservations.manage', regionCode))
      throw invalid('request.invalid', [{ path: 'regionCode', code: 'region.outside_jurisdiction' }]);
  }

  private async managed(actor: Actor, id: string): Promise<CampaignRow> {
    if (!actor.permissions.includes('reservations.manage')) throw forbidden();
    const row = await this.repo.campaign(id);
    if (!row || !can(actor, 'reservations.manage', row.region_code)) throw notFound();
    return row;
  }

  private async joinable(actor: Actor, campaignId: string) {
    const [resident, campaign] = await Promise.all([
      this.residentOf(actor),
      this.campaignRows.get(campaignId, () => this.repo.campaign(campaignId)),
    ]);
    if (!campaign || campaign.status === 'draft') throw notFound();
    if (campaign.status !== 'open') throw new AppError('conflict', 'reservation.not_open');
    if (!resident.regionCode.startsWith(campaign.region_code))
      throw new AppError('forbidden', 'reservation.not_eligible');
    return { campaign, resident };
  }

  private async residentById(id: string) {
    const ref = await this.residentRefs.get(id, () => this.identity.residentRef(id));
    if (!ref) throw notFound('resident.not_found');
    return ref;
  }

  private async residentOf(actor: Actor) {
    if (actor.kind !== 'resident') throw forbidden();
    if (!actor.residentId) throw new AppError('conflict', 'health_code.no_resident');
    const id = actor.residentId;
    const ref = await this.residentRefs.get(id, () => this.identity.residentRef(id));
    if (!ref) throw notFound('resident.not_found');
    return ref;
  }

  private async own(actor: Actor, id: string): Promise<ReservationRow> {
    const resident = await this.residentOf(actor);
    const r = await this.repo.reservation(id);
    // The person's own, or one their proxy made for them from this account.
    if (!r || (r.resident_id !== resident.id && !(r.channel === 'proxy' && r.made_by === actor.label)))
      throw notFound();
    return r;
  }

  private async views(rows: CampaignRow[]): Promise<Campaign[]> {
    const ids = rows.map((r) => r.id);
    const [sites, slots, regions, waiting] = await Promise.all([
      this.repo.sitesOf(ids),
      this.repo.slotsOf(ids),
      this.regions.refs(rows.map((r) => r.region_code)),
      this.repo.waitingCounts(ids),
    ]);
    const slotsBySite = groupBy(slots, (s) => s.site_id);
    const slotsByCampaign = groupBy(slots, (s) => s.campaign_id);
    const sitesByCampaign = groupBy(sites, (s) => s.campaign_id);
    return rows.map((c) => {
      const mine = slotsByCampaign.get(c.id) ?? [];
      return {
        id: c.id,
        kind: c.kind,
        title: c.title,
        regionCode: c.region_code,
        regionName: regions.get(c.region_code)?.name ?? c.region_code,
        mode: c.mode,
        status: c.status,
        oncePerDays: c.once_per_days,
        itemsPerPerson: c.items_per_person,
        supplyItemId: c.supply_item_id,
        quota: mine.reduce((n, s) => n + s.quota, 0),
        left: mine.reduce((n, s) => n + s.quota - s.taken, 0),
        opensAt: c.opens_at?.toISOString() ?? null,
        registrationEndsAt: c.registration_ends_at?.toISOString() ?? null,
        drawSeed: c.draw_seed,
        drawnAt: c.drawn_at?.toISOString() ?? null,
        waiting: waiting.get(c.id) ?? 0,
        sites: (sitesByCampaign.get(c.id) ?? []).map((site) => ({
          id: site.id,
          name: site.name,
          address: site.address,
          regionCode: site.region_code,
          stockLocationId: site.stock_location_id,
          slots: (slotsBySite.get(site.id) ?? []).map((s) => ({
            id: s.id,
            startsAt: s.starts_at.toISOString(),
            endsAt: s.ends_at.toISOString(),
            quota: s.quota,
            left: s.quota - s.taken,
          })),
        })),
        openedAt: c.opened_at?.toISOString() ?? null,
        closedAt: c.closed_at?.toISOString() ?? null,
        createdAt: c.created_at.toISOString(),
      };
    });
  }

  private async reservationViews(rows: ReservationRow[]): Promise<Reservation[]> {
    // Only the reservations' own campaigns, sites and slots, one query each.
    const [campaigns, sites, slots] = await Promise.all([
      this.repo.campaignsByIds([...new Set(rows.map((r) => r.campaign_id))]),
      this.repo.sitesByIds([...new Set(rows.map((r) => r.site_id))]),
      this.repo.slotsByIds([...new Set(rows.map((r) => r.slot_id))]),
    ]);
    const title = new Map(campaigns.map((c) => [c.id, c.title]));
    const site = new Map(sites.map((s) => [s.id, s]));
    const slot = new Map(slots.map((s) => [s.id, s]));
    return rows.map((r) =>
      this.reservationView(r, title.get(r.campaign_id) ?? '', site.get(r.site_id)!, slot.get(r.slot_id)!),
    );
  }

  private reservationView(
    r: ReservationRow,
    campaignTitle: string,
    site: { name: string; address: string },
    slot: { starts_at: Date; ends_at: Date },
  ): Reservation {
    return {
      id: r.id,
      campaignId: r.campaign_id,
      campaignTitle,
      kind: r.kind,
      site: { id: r.site_id, name: site.name, address: site.address },
      slot: { id: r.slot_id, startsAt: slot.starts_at.toISOString(), endsAt: slot.ends_at.toISOString() },
      items: r.items,
      status: r.status,
      channel: r.channel,
      createdAt: r.created_at.toISOString(),
      redeemedAt: r.redeemed_at?.toISOString() ?? null,
      cancelledAt: r.cancelled_at?.toISOString() ?? null,
    };
  }
}

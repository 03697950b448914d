import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { DrawRecord, Entry, reservationChannels } from '@zhengtong/contracts';
import { systemActor, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ReservationRepository } from './reservation.repository.ts';
import type { StockGate } from './reservation.stock-gate.ts';
import type { CampaignRow, EntryRow, ReservationRow, SlotRow } from './reservation.tables.ts';

export const DRAW_METHOD =
  'Entries are ordered by the SHA-256 hex digest of "<seed>:<ticket>", lowest first. In that order each ' +
  'entry takes the earliest slot (by start time, then slot id) with a place left at the site it chose, or ' +
  'at any site when it chose none; an entry finding no place loses.';

type Resident = { id: string; regionCode: string };

/** Tells the winners of a campaign's places by SMS; queued in the transaction that gave the places. */
export const NOTIFY_JOB = 'reservation.notify-won';
/**
 * The notice a carrier would have registered as a template: a person's place, where and when. It
 * names no code (the pickup code is a signed credential shown in the H5, never sent by SMS).
 */
export const WON_TEMPLATE = 'reservation-won';
const wonText = (p: { campaign: string; site: string; time: string }) =>
  `【政通】您登记的“${p.campaign}”已为您预约成功：${p.site}，${p.time}。请按时前往，在“我的预约”中出示取件码。`;
const slotTime = (from: Date, to: Date) => {
  const day = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric' });
  const hm = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${day.format(from)} ${hm.format(from)}–${hm.format(to)}`;
};

/**
 * 登记 and 抽签: registrations of interest. A lottery collects them during its registration period and
 * then draws, reproducibly from a published seed, in one transaction (a draw is never half done and
 * never run twice). A first-come campaign that is full keeps them as its waiting list (候补): each
 * place that comes free goes to the next person on it, who finds the reservation in their list.
 */
export class ReservationEntries {
  constructor(
    private readonly repo: ReservationRepository,
    private readonly audit: AuditLog,
    private readonly gate: StockGate,
    private readonly jobs: Jobs,
    private readonly identity: IdentityService,
  ) {}

  /** Registers the resident for the campaign's draw, or on its waiting list when it is full. */
  async register(
    actor: Actor,
    resident: Resident,
    campaign: CampaignRow,
    siteId: string | undefined,
    channel: (typeof reservationChannels)[number] = 'self',
  ): Promise<Entry> {
    if (campaign.status !== 'open') throw new AppError('conflict', 'reservation.not_open');
    if (!resident.regionCode.startsWith(campaign.region_code))
      throw new AppError('forbidden', 'reservation.not_eligible');
    const slots = (await this.repo.slotsOf([campaign.id])).filter((s) => s.ends_at.getTime() > Date.now());
    if (siteId && !slots.some((s) => s.site_id === siteId))
      throw invalid('request.invalid', [{ path: 'siteId', code: 'reservation.site_not_found' }]);
    if (campaign.mode === 'lottery') {
      if (campaign.drawn_at || (campaign.registration_ends_at?.getTime() ?? 0) <= Date.now())
        throw new AppError('conflict', 'reservation.registration_closed');
    } else {
      // While places are left (before the opening too: its waiting room's shuffled line is the
      // pre-registration) a person reserves; the list is for a campaign that is full.
      if (slots.some((s) => (!siteId || s.site_id === siteId) && s.taken < s.quota))
        throw new AppError('conflict', 'reservation.places_left');
      if (await this.gate.holds(campaign.id, resident.id)) throw new AppError('conflict', 'reservation.already');
    }
    const row = {
      id: uuidv7(),
      campaign_id: campaign.id,
      resident_id: resident.id,
      ticket: randomBytes(6).toString('hex'),
      site_id: siteId ?? null,
      status: 'waiting' as const,
      reservation_id: null,
      channel,
      made_by: actor.label,
      decided_at: null,
    };
    try {
      await this.repo.insertEntry(row);
    } catch (e) {
      if ((e as { code?: unknown }).code === '23505') throw new AppError('conflict', 'reservation.already_registered');
      throw e;
    }
    return (await this.views([(await this.repo.entry(row.id))!]))[0]!;
  }

  /** The resident's registrations, newest first. */
  async mine(resident: Resident): Promise<Entry[]> {
    return this.views(await this.repo.entriesOf(resident.id, 100));
  }

  /** Withdraws a waiting registration of the resident. */
  async withdraw(resident: Resident, id: string): Promise<Entry> {
    const e = await this.repo.entry(id);
    if (!e || e.resident_id !== resident.id) throw notFound();
    if (!(await this.repo.withdrawEntry(id))) throw new AppError('conflict', 'reservation.entry_decided');
    return (await this.views([(await this.repo.entry(id))!]))[0]!;
  }

  /** Draws the lottery with the announced seed: winners get reservations, everyone else loses. */
  async draw(actor: Actor, campaign: CampaignRow, seed: string): Promise<DrawRecord> {
    if (campaign.mode !== 'lottery') throw new AppError('conflict', 'reservation.not_drawn');
    if (campaign.drawn_at) throw new AppError('conflict', 'reservation.already_drawn');
    if ((campaign.registration_ends_at?.getTime() ?? 0) > Date.now())
      throw new AppError('conflict', 'reservation.registration_open');
    await this.repo.db.transaction().execute(async (trx) => {
      // The conditional update is the once: of two officials pressing at the same time, one draws.
      if (!(await this.repo.markDrawn(campaign.id, seed, trx)))
        throw new AppError('conflict', 'reservation.already_drawn');
      const entries = drawOrder(await this.repo.waitingEntries(campaign.id, trx), seed);
      const slots = (await this.repo.slotsOf([campaign.id], trx)).filter((s) => s.ends_at.getTime() > Date.now());
      const left = new Map(slots.map((s) => [s.id, s.quota - s.taken]));
      const reservations: ReservationRow[] = [];
      const decisions: { id: string; status: 'won' | 'lost'; reservationId: string | null }[] = [];
      for (const e of entries) {
        const slot = slots.find((s) => (!e.site_id || s.site_id === e.site_id) && left.get(s.id)! > 0);
        if (!slot) {
          decisions.push({ id: e.id, status: 'lost', reservationId: null });
          continue;
        }
        left.set(slot.id, left.get(slot.id)! - 1);
        const r = reservationFor(e, campaign, slot, actor.label);
        reservations.push(r);
        decisions.push({ id: e.id, status: 'won', reservationId: r.id });
      }
      await this.repo.insertDrawn(reservations, trx);
      await this.repo.decideEntries(decisions, trx);
      if (reservations.length)
        await this.jobs.sendWithin(trx as unknown as Db, NOTIFY_JOB, { campaignId: campaign.id });
      await this.audit.recordMany(
        actor,
        reservations.map((r) => ({
          action: 'create' as const,
          subjectType: 'reservation',
          subjectId: r.resident_id,
          purpose: 'reservation' as const,
          fields: ['location'],
          regionCode: campaign.region_code,
        })),
        trx as unknown as Db,
      );
    });
    return this.drawRecord(campaign.id);
  }

  /** The published draw: seed, method and every ticket in draw order with its result. */
  async drawRecord(campaignId: string): Promise<DrawRecord> {
    const campaign = await this.repo.campaign(campaignId);
    if (!campaign || campaign.status === 'draft') throw notFound();
    if (!campaign.drawn_at || !campaign.draw_seed) throw notFound('reservation.not_drawn');
    const entries = await this.repo.decidedEntries(campaignId);
    const ordered = drawOrder(entries, campaign.draw_seed);
    return {
      campaignId,
      seed: campaign.draw_seed,
      drawnAt: campaign.drawn_at.toISOString(),
      method: DRAW_METHOD,
      entries: ordered.map((e) => ({ ticket: e.ticket, siteId: e.site_id, won: e.status === 'won' })),
      winners: ordered.filter((e) => e.status === 'won').length,
    };
  }

  /** Gives places that came free to the campaign's waiting list, in the order people registered. */
  async serveWaiting(campaignId: string): Promise<number> {
    const campaign = await this.repo.campaign(campaignId);
    if (!campaign || campaign.mode !== 'first_come' || campaign.status !== 'open') return 0;
    let served = 0;
    for (;;) {
      const won = await this.repo.db.transaction().execute(async (trx) => {
        const e = await this.repo.nextWaiting(campaignId, trx);
        if (!e) return null;
        const slots = (await this.repo.slotsOf([campaignId], trx)).filter(
          (s) => s.ends_at.getTime() > Date.now() && s.taken < s.quota && (!e.site_id || s.site_id === e.site_id),
        );
        for (const slot of slots) {
          const r = reservationFor(e, campaign, slot, 'waiting-list');
          if (!(await this.repo.takePlaceAndInsert(r, trx))) continue;
          await this.repo.decideEntries([{ id: e.id, status: 'won', reservationId: r.id }], trx);
          await this.jobs.sendWithin(trx as unknown as Db, NOTIFY_JOB, { campaignId });
          await this.audit.record(
            systemActor('reservation.waiting-list'),
            {
              action: 'create',
              subjectType: 'reservation',
              subjectId: e.resident_id,
              purpose: 'reservation',
              fields: ['location'],
              regionCode: campaign.region_code,
            },
            trx as unknown as Db,
          );
          return e;
        }
        return null;
      });
      if (!won) return served;
      await this.gate.hold(campaignId, won.resident_id);
      served++;
    }
  }

  /** Sends the SMS notices of places won in a campaign that nobody has sent yet. */
  async notifyWon(campaignId: string): Promise<number> {
    const actor = systemActor('reservation.notices');
    let sent = 0;
    for (;;) {
      const claimed = await this.repo.claimNotices(campaignId, 200);
      if (!claimed.length) return sent;
      for (const [i, c] of claimed.entries()) {
        const params = { campaign: c.campaign_name, site: c.site_name, time: slotTime(c.starts_at, c.ends_at) };
        try {
          await this.identity.notifyResident(
            actor,
            c.resident_id,
            { template: WON_TEMPLATE, params, text: wonText(params) },
            'notification',
          );
        } catch (e) {
          // What was not sent goes back for the job's retry; what was sent stays told.
          await this.repo.unclaimNotices(claimed.slice(i).map((x) => x.id));
          throw e;
        }
        sent++;
      }
    }
  }

  private async views(rows: EntryRow[]): Promise<Entry[]> {
    const campaigns = new Map(
      (await this.repo.campaignsByIds([...new Set(rows.map((r) => r.campaign_id))])).map((c) => [c.id, c]),
    );
    return Promise.all(
      rows.map(async (e) => ({
        id: e.id,
        campaignId: e.campaign_id,
        campaignTitle: campaigns.get(e.campaign_id)?.title ?? '',
        mode: campaigns.get(e.campaign_id)?.mode ?? 'first_come',
        ticket: e.ticket,
        siteId: e.site_id,
        status: e.status,
        ahead:
          e.status === 'waiting' && campaigns.get(e.campaign_id)?.mode === 'first_come'
            ? await this.repo.waitingBefore(e.campaign_id, e.id)
            : 0,
        reservationId: e.reservation_id,
        createdAt: e.created_at.toISOString(),
      })),
    );
  }
}

/** The entries in draw order: by SHA-256 of seed and ticket, which anyone can recompute. */
export function drawOrder<T extends { ticket: string }>(entries: T[], seed: string): T[] {
  const key = new Map(entries.map((e) => [e, createHash('sha256').update(`${seed}:${e.ticket}`).digest('hex')]));
  return [...entries].sort((a, b) => (key.get(a)! < key.get(b)! ? -1 : key.get(a)! > key.get(b)! ? 1 : 0));
}

function reservationFor(e: EntryRow, campaign: CampaignRow, slot: SlotRow, madeBy: string): ReservationRow {
  return {
    id: uuidv7(),
    campaign_id: campaign.id,
    kind: campaign.kind,
    slot_id: slot.id,
    site_id: slot.site_id,
    resident_id: e.resident_id,
    items: campaign.items_per_person,
    status: 'confirmed',
    channel: e.channel,
    made_by: madeBy,
    created_at: new Date(),
    redeemed_at: null,
    redeemed_by: null,
    cancelled_at: null,
  };
}

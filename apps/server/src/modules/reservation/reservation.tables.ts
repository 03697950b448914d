import type { Generated, Selectable } from 'kysely';
import type {
  campaignKinds,
  campaignModes,
  campaignStatuses,
  entryStatuses,
  reservationChannels,
  reservationStatuses,
} from '@zhengtong/contracts';

export interface ReservationCampaignsTable {
  id: string;
  kind: (typeof campaignKinds)[number];
  title: string;
  /** Residents of this region may take part; staff of an enclosing jurisdiction manage it. */
  region_code: string;
  mode: (typeof campaignModes)[number];
  status: (typeof campaignStatuses)[number];
  once_per_days: number;
  items_per_person: number;
  created_by: string;
  created_at: Generated<Date>;
  opens_at: Date | null;
  /** Lottery: interest may be registered until then; the draw follows. */
  registration_ends_at: Date | null;
  draw_seed: string | null;
  drawn_at: Date | null;
  /** The catalogue item handed out (masks): redeeming issues it from the site's stock. */
  supply_item_id: Generated<string | null>;
  opened_at: Date | null;
  closed_at: Date | null;
}
export type CampaignRow = Selectable<ReservationCampaignsTable>;

export interface ReservationSitesTable {
  id: string;
  campaign_id: string;
  name: string;
  address: string;
  region_code: string;
  /** The pharmacy's stock the campaign's item is issued from. */
  stock_location_id: Generated<string | null>;
}
export type SiteRow = Selectable<ReservationSitesTable>;

export interface ReservationSlotsTable {
  id: string;
  campaign_id: string;
  site_id: string;
  starts_at: Date;
  ends_at: Date;
  quota: number;
  taken: Generated<number>;
}
export type SlotRow = Selectable<ReservationSlotsTable>;

export interface ReservationsTable {
  id: string;
  campaign_id: string;
  kind: (typeof campaignKinds)[number];
  slot_id: string;
  site_id: string;
  /** Who holds it: a reservation says where a person will be, so only they and the site see it. */
  resident_id: string;
  items: number;
  status: (typeof reservationStatuses)[number];
  channel: (typeof reservationChannels)[number];
  made_by: string;
  created_at: Generated<Date>;
  redeemed_at: Date | null;
  redeemed_by: string | null;
  cancelled_at: Date | null;
}
export type ReservationRow = Selectable<ReservationsTable>;

export interface ReservationEntriesTable {
  id: string;
  campaign_id: string;
  resident_id: string;
  ticket: string;
  site_id: string | null;
  status: (typeof entryStatuses)[number];
  reservation_id: string | null;
  channel: (typeof reservationChannels)[number];
  made_by: string;
  created_at: Generated<Date>;
  decided_at: Date | null;
  notified_at: Generated<Date | null>;
}
export type EntryRow = Selectable<ReservationEntriesTable>;

export interface ReservationTables {
  reservation_campaigns: ReservationCampaignsTable;
  reservation_sites: ReservationSitesTable;
  reservation_slots: ReservationSlotsTable;
  reservations: ReservationsTable;
  reservation_entries: ReservationEntriesTable;
}

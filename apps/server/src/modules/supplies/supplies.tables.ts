import type { Generated, Selectable } from 'kysely';
import type {
  deliveryScopes,
  matchStatuses,
  MatchReason,
  postingKinds,
  postingSides,
  postingStatuses,
  produceCategories,
  quantityBases,
  donorKinds,
  ledgerEntryKinds,
  LedgerBody,
  locationKinds,
  movementKinds,
  requestStatuses,
  requestUrgencies,
  supplyCategories,
  transferStatuses,
} from '@zhengtong/contracts';

export interface SupplyItemsTable {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  category: (typeof supplyCategories)[number];
  unit: string;
  grade: string | null;
  substitute_ids: string[];
  /** 包装规格: a pack of `pack_size` units, named `pack_unit` (both or neither). */
  pack_unit: string | null;
  pack_size: number | null;
  min_days: number;
  emergency_days: number;
  created_at: Generated<Date>;
}
export type ItemRow = Selectable<SupplyItemsTable>;

export interface SupplyLocationsTable {
  id: string;
  kind: (typeof locationKinds)[number];
  name: string;
  /** Staff whose jurisdiction contains this region manage (or request for) the location. */
  region_code: string;
  address: string | null;
  min_days: number | null;
  emergency_days: number | null;
  created_at: Generated<Date>;
}
export type LocationRow = Selectable<SupplyLocationsTable>;

export interface SupplyDonationsTable {
  id: string;
  donor_kind: (typeof donorKinds)[number];
  org_name: string | null;
  person_name_enc: string | null;
  person_name_masked: string | null;
  region_code: string;
  note: string | null;
  created_by: string;
  created_at: Generated<Date>;
}
export type DonationRow = Selectable<SupplyDonationsTable>;

export interface SupplyDonationItemsTable {
  donation_id: string;
  item_id: string;
  pledged: number;
}

export interface SupplyLotsTable {
  id: string;
  item_id: string;
  lot_number: string;
  /** 'YYYY-MM-DD'; null for what does not expire (a ventilator). */
  expires_on: string | null;
  donation_id: string | null;
  created_at: Generated<Date>;
}
export type LotRow = Selectable<SupplyLotsTable>;

export interface SupplyStockTable {
  location_id: string;
  item_id: string;
  on_hand: Generated<number>;
}

export interface SupplyBalancesTable {
  location_id: string;
  lot_id: string;
  item_id: string;
  quantity: Generated<number>;
  reserved: Generated<number>;
}

export interface SupplyMovementsTable {
  id: string;
  location_id: string;
  item_id: string;
  lot_id: string;
  kind: (typeof movementKinds)[number];
  quantity: number;
  balance_after: number;
  reference_kind: string;
  reference_id: string;
  note: string | null;
  actor: string;
  at: Generated<Date>;
}
export type MovementRow = Selectable<SupplyMovementsTable>;

export interface SupplyIssuesTable {
  reference_kind: string;
  reference_id: string;
  location_id: string;
  item_id: string;
  quantity: number;
  at: Generated<Date>;
}

export interface SupplyRequestsTable {
  id: string;
  location_id: string;
  region_code: string;
  urgency: (typeof requestUrgencies)[number];
  status: (typeof requestStatuses)[number];
  note: string | null;
  created_by: string;
  created_at: Generated<Date>;
}
export type RequestRow = Selectable<SupplyRequestsTable>;

export interface SupplyRequestLinesTable {
  id: string;
  request_id: string;
  item_id: string;
  quantity: number;
  allocated: Generated<number>;
}
export type RequestLineRow = Selectable<SupplyRequestLinesTable>;

export interface SupplyTransfersTable {
  id: string;
  request_line_id: string | null;
  request_id: string | null;
  from_location_id: string;
  to_location_id: string;
  item_id: string;
  quantity: number;
  status: (typeof transferStatuses)[number];
  approved_by: string;
  approved_at: Generated<Date>;
  dispatched_by: string | null;
  dispatched_at: Date | null;
  delivered_by: string | null;
  delivered_at: Date | null;
  received_quantity: number | null;
  receiver_name_enc: string | null;
  receiver_name_masked: string | null;
  delivery_note: string | null;
  cancelled_by: Generated<string | null>;
  cancelled_at: Generated<Date | null>;
  cancel_reason: Generated<string | null>;
}
export type TransferRow = Selectable<SupplyTransfersTable>;

export interface SupplyTransferLotsTable {
  transfer_id: string;
  lot_id: string;
  quantity: number;
}

export interface DonationLedgerTable {
  seq: number;
  at: Date;
  kind: (typeof ledgerEntryKinds)[number];
  donation_id: string;
  body: LedgerBody;
  prev_hash: string;
  hash: string;
}
export type LedgerRow = Selectable<DonationLedgerTable>;

export interface SuppliesTables {
  supply_items: SupplyItemsTable;
  supply_locations: SupplyLocationsTable;
  supply_donations: SupplyDonationsTable;
  supply_donation_items: SupplyDonationItemsTable;
  supply_lots: SupplyLotsTable;
  supply_stock: SupplyStockTable;
  supply_balances: SupplyBalancesTable;
  supply_movements: SupplyMovementsTable;
  supply_issues: SupplyIssuesTable;
  supply_requests: SupplyRequestsTable;
  supply_request_lines: SupplyRequestLinesTable;
  supply_transfers: SupplyTransfersTable;
  supply_transfer_lots: SupplyTransferLotsTable;
  donation_ledger: DonationLedgerTable;
  supply_postings: SupplyPostingsTable;
  supply_matches: SupplyMatchesTable;
}

/** 供需对接: an offer (capacity, produce) or a need, posted by staff or a signed-in resident. */
export interface SupplyPostingsTable {
  id: string;
  kind: (typeof postingKinds)[number];
  side: (typeof postingSides)[number];
  item_id: string | null;
  product: string | null;
  produce_category: (typeof produceCategories)[number] | null;
  quantity: number;
  open_quantity: number;
  basis: (typeof quantityBases)[number];
  unit: string;
  price_cents: number | null;
  available_from: string;
  available_until: string;
  region_code: string;
  delivery_scope: (typeof deliveryScopes)[number] | null;
  delivery_radius_km: number | null;
  organisation: string;
  contact_name_enc: string;
  contact_name_masked: string;
  contact_phone_enc: string;
  contact_phone_masked: string;
  note: string | null;
  status: (typeof postingStatuses)[number];
  owner_kind: 'staff' | 'resident';
  /** The account that posted it: only it changes the posting and speaks for its side of a match. */
  owner_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type PostingRow = Selectable<SupplyPostingsTable>;

export interface SupplyMatchesTable {
  id: string;
  offer_id: string;
  need_id: string;
  status: (typeof matchStatuses)[number];
  score: number;
  reasons: MatchReason[];
  quantity: number;
  offer_accepted_at: Date | null;
  need_accepted_at: Date | null;
  declined_by: (typeof postingSides)[number] | null;
  confirmed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type MatchRow = Selectable<SupplyMatchesTable>;

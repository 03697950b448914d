import type { Generated, Selectable } from 'kysely';
import type { HealthColour } from '@zhengtong/contracts';

export interface PlacesTable {
  id: string;
  /** Short random code printed in the place QR. */
  code: string;
  name: string;
  address: string;
  kind: string;
  region_code: string;
  owner_id: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}
export type PlaceRow = Selectable<PlacesTable>;

export interface CheckInsTable {
  id: string;
  /** The health-code pseudonym: no name, phone or ID number is kept with a location. */
  subject: string;
  place_id: string | null;
  region_code: string;
  at: Date;
  colour: HealthColour;
  method: 'place-scan' | 'verifier';
  recorded_by: string | null;
}
export type CheckInRow = Selectable<CheckInsTable>;

export interface CheckInTables {
  places: PlacesTable;
  check_ins: CheckInsTable;
}

import type { AuditLog } from '../../platform/audit/index.ts';
import type { Cache } from '../../platform/cache/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { JobDefinition, Jobs } from '../../platform/jobs/index.ts';
import type { CredentialsService } from '../credentials/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { SuppliesService } from '../supplies/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { ReservationBooker } from './reservation.booker.ts';
import { NOTIFY_JOB, ReservationEntries } from './reservation.entries.ts';
import { QueueTickets } from './reservation.queue-ticket.ts';
import { ReservationRepository } from './reservation.repository.ts';
import { reservationRoutes } from './reservation.routes.ts';
import { ReservationService } from './reservation.service.ts';
import { StockGate } from './reservation.stock-gate.ts';
import { WaitingRoom, type WaitingRoomOptions } from './reservation.waiting-room.ts';

export type { ReservationService } from './reservation.service.ts';
export { QueueTickets } from './reservation.queue-ticket.ts';

export function createReservationModule(deps: {
  db: Db;
  identity: IdentityService;
  regions: RegionsService;
  credentials: CredentialsService;
  healthCode: HealthCodeService;
  supplies: SuppliesService;
  audit: AuditLog;
  cache: Cache;
  jobs: Jobs;
  /** How old (ms) the slots, campaigns and people a surge asks for again may be (the public read age). */
  readAgeMs: number;
  waitingRoom: Omit<WaitingRoomOptions, 'minRate'>;
  /** Waiting-room tickets are signed with a key derived from it, the same in every process. */
  masterKey: Buffer;
}) {
  const room = new WaitingRoom(deps.cache, { ...deps.waitingRoom, minRate: 5 }, new QueueTickets(deps.masterKey));
  const repo = new ReservationRepository(deps.db);
  const gate = new StockGate(deps.cache);
  const service = new ReservationService(
    repo,
    deps.identity,
    deps.regions,
    deps.credentials,
    deps.audit,
    room,
    gate,
    new ReservationEntries(repo, deps.audit, gate, deps.jobs, deps.identity),
    new ReservationBooker(repo, deps.audit),
    deps.healthCode,
    deps.supplies,
    deps.readAgeMs,
  );
  room.start();
  const jobs: JobDefinition[] = [
    // No-shows: a slot that ended leaves its unredeemed reservations expired.
    {
      name: 'reservation.expire-no-shows',
      cron: '*/5 * * * *',
      handler: async () => void (await service.expireNoShows()),
    },
    {
      name: NOTIFY_JOB,
      handler: async (data: { campaignId: string }) => void (await service.notifyWon(data.campaignId)),
    } as JobDefinition,
  ];
  return {
    service,
    room,
    routes: reservationRoutes,
    prefix: '/api/v1/reservation',
    jobs,
    close: async () => room.stop(),
  };
}

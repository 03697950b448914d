import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db/index.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { RetentionLog } from '../../platform/retention/index.ts';
import type { CredentialsService } from '../credentials/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { CheckInRepository } from './check-in.repository.ts';
import { checkInRoutes } from './check-in.routes.ts';
import { CheckInService, type CheckInOptions } from './check-in.service.ts';
import { CheckInWriter } from './check-in.writer.ts';

export type { CheckInService, PlaceRef } from './check-in.service.ts';

export function createCheckInModule(deps: {
  db: Db;
  log: FastifyBaseLogger;
  healthCode: HealthCodeService;
  credentials: CredentialsService;
  regions: RegionsService;
  retention: RetentionLog;
  options: CheckInOptions;
}) {
  const repo = new CheckInRepository(deps.db);
  const writer = new CheckInWriter(repo, deps.log);
  const service = new CheckInService(repo, writer, deps.healthCode, deps.credentials, deps.regions, deps.options);
  const jobs: JobDefinition[] = [
    deps.retention.purgeJob('check-in.purge-check-ins', '41 3 * * *', (now) => service.purgeCheckIns(now)),
  ];
  return { service, routes: checkInRoutes, prefix: '/api/v1/check-in', jobs, close: () => writer.close() };
}

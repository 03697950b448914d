import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import type { JobDefinition, Jobs } from '../../platform/jobs/index.ts';
import type { RetentionLog } from '../../platform/retention/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { CredentialsService } from '../credentials/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { OverridesService } from './health-code.overrides.ts';
import { OverridesRepository } from './health-code.overrides.repository.ts';
import { HealthCodeRepository } from './health-code.repository.ts';
import { healthCodeRoutes } from './health-code.routes.ts';
import { HealthCodeService, RECOMPUTE_JOB, type HealthCodeOptions } from './health-code.service.ts';

export type { ColourChanged, FactsPatch, HealthCodeService } from './health-code.service.ts';
export { COLOUR_CHANGED } from './health-code.service.ts';

export function createHealthCodeModule(deps: {
  db: Db;
  identity: IdentityService;
  credentials: CredentialsService;
  regions: RegionsService;
  vault: Vault;
  audit: AuditLog;
  events: EventBus;
  jobs: Jobs;
  retention: RetentionLog;
  options: HealthCodeOptions;
}) {
  const overridesRepo = new OverridesRepository(deps.db);
  const service = new HealthCodeService(
    new HealthCodeRepository(deps.db),
    deps.identity,
    deps.credentials,
    deps.regions,
    deps.vault,
    deps.audit,
    deps.events,
    deps.jobs,
    deps.options,
    overridesRepo,
  );
  const overrides = new OverridesService(overridesRepo, service, deps.identity, deps.regions, deps.vault, deps.audit);
  const jobs: JobDefinition[] = [
    {
      name: RECOMPUTE_JOB,
      handler: async (data) => void (await service.recompute((data as { regionCode: string }).regionCode)),
    },
    {
      name: 'health-code.return-to-green',
      cron: '*/5 * * * *',
      handler: async () => void (await service.returnDueToGreen()),
    },
    deps.retention.purgeJob('health-code.purge-declarations', '23 3 * * *', (now) => service.purgeDeclarations(now)),
  ];
  return { service, overrides, routes: healthCodeRoutes, prefix: '/api/v1/health-code', jobs };
}

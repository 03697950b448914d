import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import {
  CASE_CLOSED,
  CASE_CONFIRMED,
  CASE_REPORTED,
  type CaseClosed,
  type CaseConfirmed,
  type CaseReported,
  type CaseReportService,
} from '../case-report/index.ts';
import type { CheckInService } from '../check-in/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { ChainsService } from './contact-tracing.chains.ts';
import { ContactTracingRepository } from './contact-tracing.repository.ts';
import { contactTracingRoutes } from './contact-tracing.routes.ts';
import type { TracingOptions } from './contact-tracing.rules.ts';
import { ContactTracingService, DISCOVER_JOB, RUN_JOB } from './contact-tracing.service.ts';

export {
  CONTACT_IDENTIFIED,
  CONTACT_RELEASED,
  type ContactIdentified,
  type ContactReleased,
  type ContactTracingService,
} from './contact-tracing.service.ts';
export type { TracingOptions } from './contact-tracing.rules.ts';
export type { ChainsService } from './contact-tracing.chains.ts';

export function createContactTracingModule(deps: {
  db: Db;
  caseReport: CaseReportService;
  checkIn: CheckInService;
  healthCode: HealthCodeService;
  identity: IdentityService;
  regions: RegionsService;
  vault: Vault;
  audit: AuditLog;
  events: EventBus;
  jobs: Jobs;
  options: TracingOptions;
}) {
  const repo = new ContactTracingRepository(deps.db);
  const chains = new ChainsService(repo, deps.caseReport, deps.audit);
  const service = new ContactTracingService(
    repo,
    deps.caseReport,
    deps.checkIn,
    deps.healthCode,
    deps.identity,
    deps.regions,
    deps.vault,
    deps.audit,
    deps.events,
    deps.jobs,
    deps.options,
  );
  deps.events.on<CaseConfirmed>(CASE_CONFIRMED, 'contact-tracing.discover-contacts', (e) =>
    service.traceAutomatically(e.caseId),
  );
  deps.events.on<CaseClosed>(CASE_CLOSED, 'contact-tracing.clear-contacts', (e) =>
    service.onCaseClosed(e.caseId, e.outcome),
  );
  deps.events.on<CaseReported>(CASE_REPORTED, 'contact-tracing.link-source-case', (e) => service.onCaseReported(e));
  deps.jobs.define<{ caseId: string }>({
    name: DISCOVER_JOB,
    handler: async ({ caseId }) => void (await service.traceAutomatically(caseId)),
  });
  deps.jobs.define<{ runId: string }>({
    name: RUN_JOB,
    handler: async ({ runId }) => service.processRun(runId),
    retryLimit: 5,
  });
  return { service, chains, routes: contactTracingRoutes, prefix: '/api/v1/contact-tracing' };
}

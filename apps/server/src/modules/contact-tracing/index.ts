import type { AuditLog } from '../../platform/audit/index.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { exportJob, type ExportStore } from '../../platform/exports/index.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import {
  CASE_CLOSED,
  CASE_CONFIRMED,
  CASE_MERGED,
  CASE_REPORTED,
  type CaseClosed,
  type CaseConfirmed,
  type CaseMerged,
  type CaseReported,
  type CaseReportService,
} from '../case-report/index.ts';
import type { CheckInService } from '../check-in/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { ChainsService } from './contact-tracing.chains.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ImportRepository } from './contact-tracing.import.repository.ts';
import { importRoutes } from './contact-tracing.import.routes.ts';
import {
  IMPORT_CLEANUP_JOB,
  IMPORT_JOB,
  ManifestImportService,
  type ImportOptions,
} from './contact-tracing.import.service.ts';
import { ContactTracingRepository } from './contact-tracing.repository.ts';
import { contactTracingRoutes } from './contact-tracing.routes.ts';
import type { TracingOptions } from './contact-tracing.rules.ts';
import { ContactExporter } from './contact-tracing.export.ts';
import { ContactTracingService, DISCOVER_JOB, EXPORT_JOB, RUN_JOB } from './contact-tracing.service.ts';

export {
  CONTACT_IDENTIFIED,
  CONTACT_RELEASED,
  type ContactIdentified,
  type ContactReleased,
  type ContactTracingService,
} from './contact-tracing.service.ts';
export type { TracingOptions } from './contact-tracing.rules.ts';
export type { ChainsService } from './contact-tracing.chains.ts';
export type { ManifestImportService } from './contact-tracing.import.service.ts';

export function createContactTracingModule(deps: {
  db: Db;
  /** Manifest imports write their batches with COPY in it. */
  bulkTransaction: Database['bulkTransaction'];
  caseReport: CaseReportService;
  checkIn: CheckInService;
  healthCode: HealthCodeService;
  identity: IdentityService;
  regions: RegionsService;
  vault: Vault;
  audit: AuditLog;
  events: EventBus;
  jobs: Jobs;
  exports: ExportStore;
  options: TracingOptions;
  imports: ImportOptions;
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
    deps.exports,
    deps.options,
  );
  const exporter = new ContactExporter(
    repo,
    deps.caseReport,
    deps.identity,
    deps.regions,
    deps.vault,
    deps.audit,
    deps.exports,
  );
  deps.jobs.define(exportJob(EXPORT_JOB, (exportId, actor) => exporter.run(exportId, actor)));
  deps.events.on<CaseConfirmed>(CASE_CONFIRMED, 'contact-tracing.discover-contacts', (e) =>
    service.traceAutomatically(e.caseId),
  );
  deps.events.on<CaseClosed>(CASE_CLOSED, 'contact-tracing.clear-contacts', (e) =>
    service.onCaseClosed(e.caseId, e.outcome),
  );
  deps.events.on<CaseMerged>(CASE_MERGED, 'contact-tracing.retrace-merged', (e) =>
    service.onCaseMerged(e.caseId, e.duplicateId),
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
  const imports = new ManifestImportService(
    new ImportRepository(deps.db, deps.bulkTransaction),
    service,
    deps.vault,
    deps.audit,
    deps.jobs,
    deps.imports,
  );
  // Imports of millions of rows take minutes; a run is retried from its checkpoint.
  deps.jobs.define<{ importId: string }>({
    name: IMPORT_JOB,
    handler: ({ importId }) => imports.run(importId),
    retryLimit: 10,
    expireInSeconds: 4 * 3600,
  });
  deps.jobs.define({ name: IMPORT_CLEANUP_JOB, cron: '17 * * * *', handler: async () => void (await imports.sweep()) });
  const routes: FastifyPluginAsyncTypebox = async (app) => {
    await app.register(contactTracingRoutes, { service, chains });
    await app.register(importRoutes, { service: imports, chunkBytes: deps.imports.chunkBytes });
  };
  return { service, chains, imports, routes, prefix: '/api/v1/contact-tracing' };
}

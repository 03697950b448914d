import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { exportJob, type ExportStore } from '../../platform/exports/index.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { CaseReportRepository } from './case-report.repository.ts';
import { caseReportRoutes } from './case-report.routes.ts';
import { CaseExporter } from './case-report.export.ts';
import { CaseReportService, EXPORT_JOB, type CaseReportOptions } from './case-report.service.ts';

export {
  CASE_CLOSED,
  CASE_CONFIRMED,
  CASE_MERGED,
  CASE_REPORTED,
  INFECTIOUS,
  type CaseClosed,
  type CaseConfirmed,
  type CaseMerged,
  type CaseRef,
  type CaseReportService,
  type CaseReported,
} from './case-report.service.ts';

export function createCaseReportModule(deps: {
  db: Db;
  identity: IdentityService;
  healthCode: HealthCodeService;
  regions: RegionsService;
  vault: Vault;
  audit: AuditLog;
  events: EventBus;
  jobs: Jobs;
  exports: ExportStore;
  options: CaseReportOptions;
}) {
  const repo = new CaseReportRepository(deps.db);
  const service = new CaseReportService(
    repo,
    deps.identity,
    deps.healthCode,
    deps.regions,
    deps.vault,
    deps.audit,
    deps.events,
    deps.exports,
    deps.options,
  );
  const exporter = new CaseExporter(repo, deps.identity, deps.regions, deps.vault, deps.audit, deps.exports);
  deps.jobs.define(exportJob(EXPORT_JOB, (exportId, actor) => exporter.run(exportId, actor)));
  return { service, routes: caseReportRoutes, prefix: '/api/v1/case-report' };
}

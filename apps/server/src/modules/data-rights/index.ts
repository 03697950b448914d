import type { AuditLog } from '../../platform/audit/index.ts';
import type { CheckInService } from '../check-in/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { dataRightsRoutes } from './data-rights.routes.ts';
import { DataRightsService } from './data-rights.service.ts';

export function createDataRightsModule(deps: {
  identity: IdentityService;
  healthCode: HealthCodeService;
  checkIn: CheckInService;
  audit: AuditLog;
}) {
  const service = new DataRightsService(deps.identity, deps.healthCode, deps.checkIn, deps.audit);
  return { service, routes: dataRightsRoutes, prefix: '/api/v1/data-rights' };
}

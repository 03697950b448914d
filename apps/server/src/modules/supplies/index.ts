import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { SuppliesRepository } from './supplies.repository.ts';
import { suppliesRoutes } from './supplies.routes.ts';
import { SuppliesService } from './supplies.service.ts';

export type { IssueRequest, IssueResult, SuppliesService } from './supplies.service.ts';

export function createSuppliesModule(deps: { db: Db; regions: RegionsService; vault: Vault; audit: AuditLog }) {
  const service = new SuppliesService(new SuppliesRepository(deps.db), deps.regions, deps.vault, deps.audit);
  return { service, routes: suppliesRoutes, prefix: '/api/v1/supplies' };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { MatchingRepository } from './supplies.matching.repository.ts';
import { matchingRoutes } from './supplies.matching.routes.ts';
import { MatchingService } from './supplies.matching.service.ts';
import { SuppliesRepository } from './supplies.repository.ts';
import { suppliesRoutes } from './supplies.routes.ts';
import { SuppliesService } from './supplies.service.ts';

export type { IssueRequest, IssueResult, SuppliesService } from './supplies.service.ts';
export type { MatchingService } from './supplies.matching.service.ts';

export function createSuppliesModule(deps: { db: Db; regions: RegionsService; vault: Vault; audit: AuditLog }) {
  const service = new SuppliesService(new SuppliesRepository(deps.db), deps.regions, deps.vault, deps.audit);
  const matching = new MatchingService(new MatchingRepository(deps.db), deps.regions, deps.vault);
  const routes: FastifyPluginAsyncTypebox<{ snapshotMs: number }> = async (app, opts) => {
    await app.register(suppliesRoutes, { service, snapshotMs: opts.snapshotMs });
    await app.register(matchingRoutes, { service: matching, snapshotMs: opts.snapshotMs });
  };
  const jobs: JobDefinition[] = [
    // 供需对接: postings past their last day stop being matched (queries skip them already; this tidies).
    { name: 'supplies.expire-postings', cron: '5 16 * * *', handler: async () => void (await matching.expire()) },
  ];
  return { service, matching, routes, jobs, prefix: '/api/v1/supplies' };
}

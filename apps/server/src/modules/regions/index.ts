import type { Db } from '../../platform/db/index.ts';
import { RegionsRepository } from './regions.repository.ts';
import { RegionsService } from './regions.service.ts';
import { regionsRoutes } from './regions.routes.ts';

export type { RegionsService } from './regions.service.ts';

export function createRegionsModule(db: Db) {
  const service = new RegionsService(new RegionsRepository(db));
  return { service, routes: regionsRoutes, prefix: '/api/v1/regions' };
}

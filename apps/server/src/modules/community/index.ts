import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import {
  CONTACT_IDENTIFIED,
  CONTACT_RELEASED,
  type ContactIdentified,
  type ContactReleased,
} from '../contact-tracing/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { CommunityRepository } from './community.repository.ts';
import { communityRoutes } from './community.routes.ts';
import { CommunityService, type CommunityOptions } from './community.service.ts';

export type { CommunityService, CommunityOptions } from './community.service.ts';

export function createCommunityModule(deps: {
  db: Db;
  identity: IdentityService;
  regions: RegionsService;
  vault: Vault;
  audit: AuditLog;
  events: EventBus;
  options: CommunityOptions;
}) {
  const service = new CommunityService(
    new CommunityRepository(deps.db),
    deps.identity,
    deps.regions,
    deps.vault,
    deps.audit,
    deps.options,
  );
  deps.events.on<ContactIdentified>(CONTACT_IDENTIFIED, 'community.follow-up-contact', (e) =>
    service.onContactIdentified(e),
  );
  deps.events.on<ContactReleased>(CONTACT_RELEASED, 'community.end-follow-up', (e) => service.onContactReleased(e));
  const jobs: JobDefinition[] = [
    { name: 'community.sweep-follow-ups', cron: '7 * * * *', handler: async () => void (await service.sweep()) },
  ];
  return { service, routes: communityRoutes, prefix: '/api/v1/community', jobs };
}

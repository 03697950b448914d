import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import { CredentialsRepository } from './credentials.repository.ts';
import { credentialsRoutes } from './credentials.routes.ts';
import { CredentialsService, type CredentialsOptions } from './credentials.service.ts';

export type { CredentialsService } from './credentials.service.ts';

export function createCredentialsModule(deps: { db: Db; vault: Vault; audit: AuditLog; options: CredentialsOptions }) {
  const service = new CredentialsService(new CredentialsRepository(deps.db), deps.vault, deps.audit, deps.options);
  return { service, routes: credentialsRoutes, prefix: '/api/v1' };
}

import type { Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import type { CheckInService } from '../check-in/index.ts';
import type { HealthCodeService } from '../health-code/index.ts';
import type { IdentityService } from '../identity/index.ts';

/**
 * A resident's rights over their data (PIPL arts. 44–47): see what is held and who read it, take a
 * copy, withdraw consent, ask for erasure. It only composes the owning modules' services.
 */
export class DataRightsService {
  constructor(
    private readonly identity: IdentityService,
    private readonly healthCode: HealthCodeService,
    private readonly checkIn: CheckInService,
    private readonly audit: AuditLog,
  ) {}

  /** What is held, in short, and the last reads of it by anyone, with their stated purposes. */
  async summary(actor: Actor) {
    const residentId = this.own(actor);
    const [profile, health] = await Promise.all([this.identity.myResident(actor), this.healthCode.personalData(actor)]);
    const checkIns = health.pseudonym ? await this.checkIn.checkInsOf(health.pseudonym) : [];
    return {
      profile,
      healthCode: { colour: health.colour, consentAt: health.consentAt, lastDeclarationAt: health.lastDeclarationAt },
      counts: { declarations: health.declarations.length, checkIns: checkIns.length },
      accessLog: await this.accessLog(residentId),
    };
  }

  /** Everything held about the resident, as one JSON document. */
  async export(actor: Actor) {
    const residentId = this.own(actor);
    const [profile, health] = await Promise.all([this.identity.myResident(actor), this.healthCode.personalData(actor)]);
    const checkIns = health.pseudonym ? await this.checkIn.checkInsOf(health.pseudonym) : [];
    await this.audit.record(actor, {
      action: 'export',
      subjectType: 'resident',
      subjectId: residentId,
      purpose: 'data-export',
    });
    return {
      exportedAt: new Date().toISOString(),
      profile,
      healthCode: {
        colour: health.colour,
        consentAt: health.consentAt,
        lastDeclarationAt: health.lastDeclarationAt,
      },
      declarations: health.declarations,
      checkIns,
      accessLog: await this.accessLog(residentId, 1000),
    };
  }

  async withdrawConsent(actor: Actor) {
    return this.healthCode.withdrawConsent(actor);
  }

  /** Deletes check-ins and declarations now; the resident record itself stays with the community. */
  async erase(actor: Actor) {
    this.own(actor);
    const { pseudonym } = await this.healthCode.personalData(actor);
    const checkIns = pseudonym ? await this.checkIn.eraseCheckIns(pseudonym) : 0;
    const health = await this.healthCode.erase(actor);
    return { checkIns, declarations: health.declarations, codeRecord: health.codeRecord };
  }

  private async accessLog(residentId: string, limit = 100) {
    const rows = await this.audit.list({ subjectId: residentId, limit });
    return rows.map((r) => ({
      at: r.at.toISOString(),
      actor: r.actor_kind === 'resident' ? 'self' : r.actor_label,
      actorKind: r.actor_kind,
      action: r.action,
      purpose: r.purpose,
      fields: r.fields,
    }));
  }

  private own(actor: Actor): string {
    if (actor.kind !== 'resident') throw forbidden();
    if (!actor.residentId) throw new AppError('conflict', 'health_code.no_resident');
    return actor.residentId;
  }
}

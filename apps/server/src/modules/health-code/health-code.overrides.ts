import { v7 as uuidv7 } from 'uuid';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { AppError, forbidden, invalid, notFound } from '../../platform/errors.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { OverridesRepository } from './health-code.overrides.repository.ts';
import type { HealthCodeService } from './health-code.service.ts';
import type { AppealRow, OverrideRow } from './health-code.tables.ts';

const DAY_MS = 86_400_000;
const MAX_OVERRIDE_DAYS = 30;

/**
 * 申诉 and manual colours. No colour is set by hand quietly: an override needs a legal basis and a
 * second official with the same power, it is shown to the person, and every one is counted by region
 * and official in a report.
 */
export class OverridesService {
  constructor(
    private readonly repo: OverridesRepository,
    private readonly healthCode: HealthCodeService,
    private readonly identity: IdentityService,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
  ) {}

  // ---------- appeals ----------

  /** A resident disputes their colour; one open appeal at a time. */
  async fileAppeal(actor: Actor, statement: string) {
    if (actor.kind !== 'resident') throw forbidden();
    if (!actor.residentId) throw new AppError('conflict', 'health_code.no_resident');
    const status = await this.healthCode.status(actor);
    const mine = await this.repo.appealsOf(actor.residentId);
    if (mine.some((a) => a.status === 'open')) throw new AppError('conflict', 'health_code.appeal_open');
    const ref = (await this.identity.residentRef(actor.residentId))!;
    const id = uuidv7();
    await this.repo.insertAppeal({
      id,
      resident_id: actor.residentId,
      region_code: ref.regionCode,
      colour: status.colour,
      rule_id: status.explanation.ruleId,
      statement_enc: this.vault.encrypt('appealStatement', statement.trim()),
      status: 'open',
      decision_note: null,
      decided_by: null,
      decided_at: null,
    });
    return this.myAppeals(actor);
  }

  /** The resident's appeals, with decisions in the officials' words. */
  async myAppeals(actor: Actor) {
    if (actor.kind !== 'resident' || !actor.residentId) throw forbidden();
    const rows = await this.repo.appealsOf(actor.residentId);
    return {
      items: rows.map((r) => ({ ...appealView(r), statement: this.vault.process('appealStatement', r.statement_enc) })),
    };
  }

  /** Appeals in the official's jurisdiction; statements are personal data, so each list is audited. */
  async listAppeals(actor: Actor, status?: AppealRow['status']) {
    this.require(actor);
    const rows = await this.repo.appealsWithin(actor.jurisdiction!, status, 200);
    if (!rows.length) return { items: [] };
    await this.audit.recordMany(
      actor,
      rows.map((r) => ({
        action: 'view',
        subjectType: 'health-appeal',
        subjectId: r.resident_id,
        purpose: 'appeal-review',
        fields: ['statement'],
        regionCode: r.region_code,
      })),
    );
    const refs = await Promise.all(rows.map((r) => this.identity.residentRef(r.resident_id)));
    return {
      items: rows.map((r, i) => ({
        ...appealView(r),
        residentId: r.resident_id,
        maskedName: refs[i]?.maskedName ?? '',
        statement: this.vault.process('appealStatement', r.statement_enc),
      })),
    };
  }

  async decideAppeal(actor: Actor, id: string, decision: 'upheld' | 'rejected', note: string) {
    this.require(actor);
    const row = await this.repo.appeal(id);
    if (!row || !can(actor, 'health.override', row.region_code)) throw notFound();
    if (!(await this.repo.decideAppeal(id, decision, note.trim(), actor.label)))
      throw new AppError('conflict', 'health_code.appeal_decided');
    await this.audit.record(actor, {
      action: decision === 'upheld' ? 'uphold' : 'reject',
      subjectType: 'health-appeal',
      subjectId: row.resident_id,
      purpose: 'appeal-review',
      regionCode: row.region_code,
    });
    const decided = (await this.repo.appeal(id))!;
    return { ...appealView(decided), statement: this.vault.process('appealStatement', decided.statement_enc) };
  }

  // ---------- overrides ----------

  /** The first official asks for a manual colour, stating the legal basis; nothing changes yet. */
  async requestOverride(
    actor: Actor,
    input: {
      residentId: string;
      colour: OverrideRow['colour'];
      legalBasis: string;
      reason: string;
      endsAt: string;
      appealId?: string;
    },
  ) {
    this.require(actor);
    const ref = await this.identity.residentRef(input.residentId);
    if (!ref || !can(actor, 'health.override', ref.regionCode)) throw notFound('resident.not_found');
    const ends = Date.parse(input.endsAt);
    if (!(ends > Date.now()) || ends - Date.now() > MAX_OVERRIDE_DAYS * DAY_MS)
      throw invalid('request.invalid', [{ path: 'endsAt', code: 'health_code.override_period' }]);
    if (input.appealId) {
      const appeal = await this.repo.appeal(input.appealId);
      if (!appeal || appeal.resident_id !== input.residentId)
        throw invalid('request.invalid', [{ path: 'appealId', code: 'resource.not_found' }]);
    }
    const id = uuidv7();
    await this.repo.insertOverride({
      id,
      resident_id: input.residentId,
      region_code: ref.regionCode,
      colour: input.colour,
      legal_basis: input.legalBasis.trim(),
      reason: input.reason.trim(),
      appeal_id: input.appealId ?? null,
      ends_at: new Date(ends),
      status: 'pending',
      requested_by: actor.id,
      requested_by_label: actor.label,
      approved_by: null,
      approved_by_label: null,
      decided_at: null,
    });
    await this.audit.record(actor, {
      action: 'request-override',
      subjectType: 'health-code',
      subjectId: input.residentId,
      purpose: `override: ${input.legalBasis.trim()}`,
      fields: ['health'],
      regionCode: ref.regionCode,
    });
    return this.overrideView((await this.repo.override(id))!);
  }

  /** A second official approves (never the one who asked); the colour changes at once. */
  async approveOverride(actor: Actor, id: string) {
    const row = await this.decidable(actor, id);
    if (row.requested_by === actor.id) throw new AppError('forbidden', 'health_code.override_same_official');
    await this.repo.db.transaction().execute(async (trx) => {
      if (!(await this.repo.setOverrideStatus(id, 'pending', 'active', { id: actor.id, label: actor.label }, trx)))
        throw new AppError('conflict', 'health_code.override_decided');
      await this.repo.applyToSubject(row.resident_id, { id, colour: row.colour, until: row.ends_at }, trx);
      await this.audit.record(
        actor,
        {
          action: 'approve-override',
          subjectType: 'health-code',
          subjectId: row.resident_id,
          purpose: `override: ${row.legal_basis}`,
          fields: ['health'],
          regionCode: row.region_code,
        },
        trx as never,
      );
    });
    await this.healthCode.refresh(row.resident_id);
    return this.overrideView((await this.repo.override(id))!);
  }

  async rejectOverride(actor: Actor, id: string) {
    const row = await this.decidable(actor, id);
    if (!(await this.repo.setOverrideStatus(id, 'pending', 'rejected', { id: actor.id, label: actor.label })))
      throw new AppError('conflict', 'health_code.override_decided');
    await this.audit.record(actor, {
      action: 'reject-override',
      subjectType: 'health-code',
      subjectId: row.resident_id,
      purpose: `override: ${row.legal_basis}`,
      regionCode: row.region_code,
    });
    return this.overrideView((await this.repo.override(id))!);
  }

  /** Ends an override before its date; the rules decide again. */
  async endOverride(actor: Actor, id: string) {
    this.require(actor);
    const row = await this.repo.override(id);
    if (!row || !can(actor, 'health.override', row.region_code)) throw notFound();
    await this.repo.db.transaction().execute(async (trx) => {
      if (!(await this.repo.setOverrideStatus(id, 'active', 'ended', null, trx)))
        throw new AppError('conflict', 'health_code.override_decided');
      await this.repo.applyToSubject(row.resident_id, null, trx);
    });
    await this.audit.record(actor, {
      action: 'end-override',
      subjectType: 'health-code',
      subjectId: row.resident_id,
      purpose: `override: ${row.legal_basis}`,
      regionCode: row.region_code,
    });
    await this.healthCode.refresh(row.resident_id);
    return this.overrideView((await this.repo.override(id))!);
  }

  async listOverrides(actor: Actor, status?: OverrideRow['status']) {
    this.require(actor);
    const rows = await this.repo.overridesWithin(actor.jurisdiction!, status, 200);
    return { items: await Promise.all(rows.map((r) => this.overrideView(r))) };
  }

  /** Overrides counted by district and by requesting and approving official. */
  async report(actor: Actor, from: string, to: string) {
    this.require(actor);
    const rows = await this.repo.report(actor.jurisdiction!, new Date(from), new Date(to));
    const refs = await this.regions.refs(rows.map((r) => r.district));
    return {
      items: rows.map((r) => ({
        district: refs.get(r.district) ?? { code: r.district, name: r.district, level: 'district' as const },
        requestedBy: r.requested_by_label,
        approvedBy: r.approved_by_label,
        colour: r.colour,
        status: r.status,
        count: r.n,
      })),
    };
  }

  private async decidable(actor: Actor, id: string) {
    this.require(actor);
    const row = await this.repo.override(id);
    if (!row || !can(actor, 'health.override', row.region_code)) throw notFound();
    if (row.status !== 'pending') throw new AppError('conflict', 'health_code.override_decided');
    return row;
  }

  private async overrideView(r: OverrideRow) {
    const ref = await this.identity.residentRef(r.resident_id);
    return {
      id: r.id,
      residentId: r.resident_id,
      maskedName: ref?.maskedName ?? '',
      region: await this.regions.requireRef(r.region_code),
      colour: r.colour,
      legalBasis: r.legal_basis,
      reason: r.reason,
      appealId: r.appeal_id,
      endsAt: r.ends_at.toISOString(),
      // An override past its end date has ended, whether or not anyone ended it by hand.
      status: r.status === 'active' && r.ends_at <= new Date() ? 'ended' : r.status,
      requestedBy: r.requested_by_label,
      requestedAt: r.requested_at.toISOString(),
      approvedBy: r.approved_by_label,
      decidedAt: r.decided_at?.toISOString() ?? null,
    };
  }

  private require(actor: Actor) {
    if (!actor.permissions.includes('health.override') || !actor.jurisdiction) throw forbidden();
  }
}

function appealView(r: AppealRow) {
  return {
    id: r.id,
    colour: r.colour,
    ruleId: r.rule_id,
    status: r.status,
    decisionNote: r.decision_note,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

import { v7 as uuidv7 } from 'uuid';
import {
  FEVER_CELSIUS,
  type caseSymptoms,
  type CommunityAlert,
  type DailyCheck,
  type DailyCheckInput,
  type FollowUpTask,
  type FollowUpTaskDetail,
  type MyObservation,
} from '@zhengtong/contracts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { shanghaiDate } from '../../platform/time.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { ContactIdentified, ContactReleased } from '../contact-tracing/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { CommunityRepository } from './community.repository.ts';
import type { CheckRow, TaskRow } from './community.tables.ts';

const DAY_MS = 86_400_000;

export interface CommunityOptions {
  /** Days of daily checks after the last exposure: 14 for close contacts, 7 for secondary ones. */
  observationDays: { close: number; secondary: number };
  /** A new task should be taken up (the person contacted) within this many hours. */
  dueHours: number;
  /** From this hour (Asia/Shanghai) a day without a check raises an alert. */
  missedCheckHour: number;
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * 社区: grid workers' follow-up of the people tracing found. A task per person, for the observation
 * period; daily symptom checks by the person or the worker; alerts when a day is missed or a check is
 * abnormal. Tasks come from contact-tracing's events, so tracing never waits on the community.
 */
export class CommunityService {
  constructor(
    private readonly repo: CommunityRepository,
    private readonly identity: IdentityService,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly options: CommunityOptions,
  ) {}

  // ---------- from contact tracing ----------

  /** A person was found a contact: their grid gets a task, or the open one is extended. */
  async onContactIdentified(e: ContactIdentified): Promise<void> {
    const resident = await this.identity.residentRef(e.residentId);
    if (!resident) return;
    const today = shanghaiDate(new Date());
    const endsOn = addDays(shanghaiDate(new Date(e.lastExposureAt)), this.options.observationDays[e.level]);
    await this.repo.db.transaction().execute(async (trx) => {
      const open = await this.repo.openTaskOf(e.residentId, 'contact-follow-up', trx);
      if (open) {
        // Close outranks secondary, and the period never shrinks while the task is open.
        const level = open.level === 'close' || e.level === 'close' ? 'close' : 'secondary';
        await this.repo.updateTask(
          open.id,
          {
            level,
            ends_on: endsOn > open.ends_on ? endsOn : open.ends_on,
            exposure: JSON.stringify(e.level === level ? e.exposure : open.exposure),
            region_code: resident.regionCode,
          },
          trx,
        );
        return;
      }
      if (endsOn < today) return;
      await this.repo.insertTask(
        {
          id: uuidv7(),
          kind: 'contact-follow-up',
          resident_id: e.residentId,
          region_code: resident.regionCode,
          level: e.level,
          exposure: JSON.stringify(e.exposure),
          status: 'open',
          ending: null,
          starts_on: today,
          ends_on: endsOn,
          due_at: new Date(Date.now() + this.options.dueHours * 3_600_000),
          note_enc: null,
          closed_at: null,
        },
        trx,
      );
    });
  }

  /** The person is nobody's contact any more, or became a case: the follow-up ends. */
  async onContactReleased(e: ContactReleased): Promise<void> {
    await this.repo.db.transaction().execute(async (trx) => {
      const open = await this.repo.openTaskOf(e.residentId, 'contact-follow-up', trx);
      if (open) await this.repo.updateTask(open.id, { status: 'cancelled', ending: e.why, closed_at: new Date() }, trx);
    });
  }

  // ---------- grid workers ----------

  /** The follow-up tasks of the worker's grid (or a larger region for the CDC): masked, each view audited. */
  async tasks(
    actor: Actor,
    q: { open: boolean; limit: number; cursor?: string },
  ): Promise<{ items: FollowUpTask[]; nextCursor: string | null }> {
    const jurisdiction = this.requireWorker(actor);
    const rows = await this.repo.tasksWithin({
      regionPrefix: jurisdiction,
      open: q.open,
      limit: q.limit + 1,
      after: q.cursor,
    });
    const page = rows.slice(0, q.limit);
    await this.audit.recordMany(
      actor,
      page.map((t) => ({
        action: 'view',
        subjectType: 'follow-up',
        subjectId: t.resident_id,
        purpose: 'list',
        fields: ['name', 'idNumber', 'phone', 'health'],
        regionCode: t.region_code,
      })),
    );
    return { items: await this.views(page), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
  }

  /** One task with its daily checks (audited). */
  async task(actor: Actor, id: string): Promise<FollowUpTaskDetail> {
    const row = await this.readableTask(actor, id);
    await this.audit.record(actor, {
      action: 'view',
      subjectType: 'follow-up',
      subjectId: row.resident_id,
      purpose: 'follow-up',
      fields: ['name', 'idNumber', 'phone', 'health'],
      regionCode: row.region_code,
    });
    return this.detail(row);
  }

  /** The worker reached the person: the task is in progress, with a note. */
  async markContacted(actor: Actor, id: string, note: string): Promise<FollowUpTaskDetail> {
    const row = await this.readableTask(actor, id);
    if (row.status !== 'open' && row.status !== 'in_progress') throw new AppError('conflict', 'community.task_closed');
    await this.repo.updateTask(id, {
      status: 'in_progress',
      note_enc: note.trim() ? this.vault.encrypt('note', note.trim()) : row.note_enc,
    });
    await this.audit.record(actor, {
      action: 'update',
      subjectType: 'follow-up',
      subjectId: row.resident_id,
      purpose: 'follow-up',
      fields: ['health'],
      regionCode: row.region_code,
    });
    return this.detail((await this.repo.task(id))!);
  }

  /** The worker records today's check for a person without a phone (or who asked them to). */
  async recordCheck(actor: Actor, id: string, input: DailyCheckInput): Promise<FollowUpTaskDetail> {
    const row = await this.readableTask(actor, id);
    await this.saveCheck(row, input, { kind: 'grid_worker', label: actor.label }, actor);
    return this.detail((await this.repo.task(id))!);
  }

  /** Unacknowledged alerts in the jurisdiction, newest first. */
  async alerts(actor: Actor, q: { limit: number; cursor?: string }) {
    const jurisdiction = this.requireWorker(actor);
    const rows = await this.repo.alertsWithin(jurisdiction, q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    const tasks = new Map((await this.repo.tasksByIds(page.map((a) => a.task_id))).map((t) => [t.id, t]));
    const cards = await this.identity.residentCards([...tasks.values()].map((t) => t.resident_id));
    const refs = await this.regions.refs(page.map((a) => a.region_code));
    const items: CommunityAlert[] = page.map((a) => ({
      id: a.id,
      kind: a.kind,
      taskId: a.task_id,
      name: cards.get(tasks.get(a.task_id)?.resident_id ?? '')?.maskedName ?? '',
      region: refs.get(a.region_code)!,
      day: a.day,
      createdAt: a.created_at.toISOString(),
      acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
    }));
    return { items, nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
  }

  async acknowledgeAlert(actor: Actor, id: string): Promise<void> {
    const jurisdiction = this.requireWorker(actor);
    const alert = await this.repo.alert(id);
    if (!alert || !alert.region_code.startsWith(jurisdiction)) throw notFound();
    await this.repo.acknowledge(id, actor.label);
  }

  // ---------- residents ----------

  /** The resident's own medical observation, if any: period and checks so far. */
  async myObservation(actor: Actor): Promise<MyObservation> {
    const row = await this.ownTask(actor);
    if (!row) return { active: false, taskId: null, startsOn: null, endsOn: null, checkedToday: false, checks: [] };
    const checks = (await this.repo.checks(row.id)).map((c) => this.checkView(c));
    const today = shanghaiDate(new Date());
    return {
      active: true,
      taskId: row.id,
      startsOn: row.starts_on,
      endsOn: row.ends_on,
      checkedToday: checks.some((c) => c.day === today),
      checks,
    };
  }

  /** 自我健康监测: the resident reports today's temperature and symptoms. */
  async recordMyCheck(actor: Actor, input: DailyCheckInput): Promise<MyObservation> {
    const row = await this.ownTask(actor);
    if (!row) throw new AppError('conflict', 'community.no_observation');
    await this.saveCheck(row, input, { kind: 'self', label: 'self' }, actor);
    return this.myObservation(actor);
  }

  // ---------- scheduled ----------

  /** Hourly: tasks past their period are done; after the cut-off hour, a day without a check is an alert. */
  async sweep(now = new Date()): Promise<{ completed: number; missed: number }> {
    const today = shanghaiDate(now);
    const completed = await this.repo.completeEnded(today);
    const hour = (now.getUTCHours() + 8) % 24;
    if (hour < this.options.missedCheckHour) return { completed, missed: 0 };
    const unchecked = await this.repo.uncheckedOn(today);
    for (const t of unchecked)
      await this.repo.insertAlert({
        id: uuidv7(),
        task_id: t.id,
        kind: 'missed_check',
        day: today,
        region_code: t.region_code,
      });
    return { completed, missed: unchecked.length };
  }

  // ---------- internals ----------

  private async saveCheck(
    row: TaskRow,
    input: DailyCheckInput,
    by: { kind: 'self' | 'grid_worker'; label: string },
    actor: Actor,
  ) {
    if (row.status !== 'open' && row.status !== 'in_progress') throw new AppError('conflict', 'community.task_closed');
    const today = shanghaiDate(new Date());
    if (today < row.starts_on || today > row.ends_on) throw new AppError('conflict', 'community.outside_period');
    const abnormal = input.temperature >= FEVER_CELSIUS || input.symptoms.length > 0;
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.upsertCheck(
        {
          id: uuidv7(),
          task_id: row.id,
          day: today,
          body_enc: this.vault.encrypt(
            'health',
            JSON.stringify({
              temperature: input.temperature,
              symptoms: input.symptoms,
              note: input.note?.trim() ?? '',
            }),
          ),
          abnormal,
          by_kind: by.kind,
          by_label: by.label,
          at: new Date(),
        },
        trx,
      );
      if (row.status === 'open') await this.repo.updateTask(row.id, { status: 'in_progress' }, trx);
      if (abnormal)
        await this.repo.insertAlert(
          { id: uuidv7(), task_id: row.id, kind: 'abnormal_check', day: today, region_code: row.region_code },
          trx,
        );
    });
    await this.audit.record(actor, {
      action: 'create',
      subjectType: 'daily-check',
      subjectId: row.resident_id,
      purpose: 'follow-up',
      fields: ['health'],
      regionCode: row.region_code,
    });
  }

  private requireWorker(actor: Actor): string {
    if (!actor.permissions.includes('community.tasks') || !actor.jurisdiction) throw forbidden();
    return actor.jurisdiction;
  }

  private async readableTask(actor: Actor, id: string): Promise<TaskRow> {
    this.requireWorker(actor);
    const row = await this.repo.task(id);
    if (!row || !can(actor, 'community.tasks', row.region_code)) throw notFound();
    return row;
  }

  private async ownTask(actor: Actor): Promise<TaskRow | null> {
    if (actor.kind !== 'resident') throw forbidden();
    if (!actor.residentId) return null;
    const row = await this.repo.latestTaskOf(actor.residentId);
    return row && (row.status === 'open' || row.status === 'in_progress') ? row : null;
  }

  private async views(rows: TaskRow[]): Promise<FollowUpTask[]> {
    const [cards, refs, days] = await Promise.all([
      this.identity.residentCards(rows.map((r) => r.resident_id)),
      this.regions.refs(rows.map((r) => r.region_code)),
      this.repo.checkedDays(rows.map((r) => r.id)),
    ]);
    const now = new Date();
    const today = shanghaiDate(now);
    return rows.map((r) => {
      const card = cards.get(r.resident_id);
      const checked = days.get(r.id) ?? new Set<string>();
      let missed = 0;
      const last = r.ends_on < today ? r.ends_on : addDays(today, -1);
      for (let d = r.starts_on; d <= last; d = addDays(d, 1)) if (!checked.has(d)) missed++;
      return {
        id: r.id,
        kind: r.kind,
        status: r.status,
        ending: r.ending,
        residentId: r.resident_id,
        name: card?.maskedName ?? '',
        idNumber: card?.maskedIdNumber ?? '',
        phone: card?.maskedPhone ?? '',
        region: refs.get(r.region_code)!,
        level: r.level,
        exposure: r.exposure,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
        dueAt: r.due_at.toISOString(),
        overdue: r.status === 'open' && r.due_at < now,
        checkedToday: checked.has(today),
        missedDays: missed,
        createdAt: r.created_at.toISOString(),
      };
    });
  }

  private async detail(row: TaskRow): Promise<FollowUpTaskDetail> {
    const [view] = await this.views([row]);
    const checks = await this.repo.checks(row.id);
    return {
      ...view!,
      note: row.note_enc ? this.vault.process('note', row.note_enc) : '',
      checks: checks.map((c) => this.checkView(c)),
    };
  }

  private checkView(c: CheckRow): DailyCheck {
    const body = JSON.parse(this.vault.process('health', c.body_enc)) as {
      temperature: number;
      symptoms: (typeof caseSymptoms)[number][];
      note: string;
    };
    return {
      day: c.day,
      temperature: body.temperature,
      symptoms: body.symptoms,
      note: body.note,
      abnormal: c.abnormal,
      by: c.by_kind,
      at: c.at.toISOString(),
    };
  }
}

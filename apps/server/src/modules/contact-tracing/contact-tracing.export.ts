import type { Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { csvFile, xlsxFile, type Cell } from '../../platform/exports/formats.ts';
import type { ExportStore } from '../../platform/exports/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { CaseReportService } from '../case-report/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { ContactTracingRepository } from './contact-tracing.repository.ts';
import type { ContactRow } from './contact-tracing.tables.ts';

const BATCH = 2000;
const MAX_CASES = 200_000;
const HEADER = [
  '密接编号 id',
  '病例编号 caseId',
  '类别 level',
  '状态 status',
  '风险 rank',
  '分值 score',
  '姓名 name',
  '身份证号 idNumber',
  '手机号 phone',
  '居住地 region',
  '首次接触 firstExposureAt',
  '末次接触 lastExposureAt',
  '接触情况 exposures',
];

/**
 * Writes the contacts of a jurisdiction's cases as CSV or XLSX, a batch at a time, with each person's
 * name, ID number and phone from wherever tracing found them (resident record, passenger list,
 * household entry); every person written out is audited with the export's purpose.
 */
export class ContactExporter {
  constructor(
    private readonly repo: ContactTracingRepository,
    private readonly caseReport: CaseReportService,
    private readonly identity: IdentityService,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly store: ExportStore,
  ) {}

  async run(exportId: string, actor: Actor): Promise<void> {
    const file = await this.store.get(exportId);
    if (!file || file.status === 'done') return;
    const caseIds = (await this.caseReport.caseRefsWithin(file.region_code, MAX_CASES)).map((c) => c.id);
    const total = await this.repo.countForExport(caseIds);
    await this.store.write(exportId, total, (progress) => {
      const rows = this.batches(caseIds, file.purpose, actor, progress);
      return file.format === 'xlsx' ? xlsxFile('contacts', HEADER, rows) : csvFile(HEADER, rows);
    });
  }

  private async *batches(
    caseIds: string[],
    purpose: string,
    actor: Actor,
    progress: (n: number) => Promise<void>,
  ): AsyncIterable<Cell[][]> {
    let after: string | null = null;
    let done = 0;
    for (;;) {
      const rows = await this.repo.exportPage(caseIds, after, BATCH);
      if (!rows.length) return;
      after = rows.at(-1)!.id;
      const people = await this.people(rows);
      const regions = await this.regions.refs(rows.flatMap((r) => (r.region_code ? [r.region_code] : [])));
      await this.audit.recordMany(
        actor,
        rows.map((r) => ({
          action: 'export',
          subjectType: 'contact',
          subjectId: r.resident_id ?? r.id,
          purpose,
          fields: ['name', 'idNumber', 'phone', 'location'],
          regionCode: r.region_code,
        })),
      );
      yield rows.map((r): Cell[] => {
        const p = people.get(r.id);
        return [
          r.id,
          r.case_id,
          r.level,
          r.status,
          r.rank,
          r.score,
          p?.name ?? r.name_masked,
          p?.idNumber ?? '',
          p?.phone ?? '',
          r.region_code ? (regions.get(r.region_code)?.name ?? r.region_code) : '',
          r.first_exposure_at.toISOString(),
          r.last_exposure_at.toISOString(),
          r.exposures.map((e) => `${e.kind}:${e.label}${e.via ? `(${e.via})` : ''}`).join('; '),
        ];
      });
      done += rows.length;
      await progress(done);
    }
  }

  /** Who each contact is, in clear, from the record tracing found them in. */
  private async people(rows: ContactRow[]) {
    const [residents, manifest, household] = await Promise.all([
      this.identity.plainPeople(rows.flatMap((r) => (r.resident_id ? [r.resident_id] : []))),
      this.repo.manifestPersons(rows.flatMap((r) => (!r.resident_id && r.manifest_row_id ? [r.manifest_row_id] : []))),
      this.repo.householdByIds(rows.flatMap((r) => (!r.resident_id && r.household_id ? [r.household_id] : []))),
    ]);
    const byManifest = new Map(
      manifest.map((m) => [
        m.id,
        JSON.parse(this.vault.process('person', m.person_enc)) as {
          name: string;
          idNumber: string;
          phone: string | null;
        },
      ]),
    );
    const byHousehold = new Map(household.map((h) => [h.id, h]));
    const out = new Map<string, { name: string; idNumber: string; phone: string }>();
    for (const r of rows) {
      const resident = r.resident_id ? residents.get(r.resident_id) : undefined;
      const m = r.manifest_row_id ? byManifest.get(r.manifest_row_id) : undefined;
      const h = r.household_id ? byHousehold.get(r.household_id) : undefined;
      if (resident) out.set(r.id, resident);
      else if (m) out.set(r.id, { name: m.name, idNumber: m.idNumber, phone: m.phone ?? '' });
      else if (h)
        out.set(r.id, {
          name: this.vault.process('name', h.name_enc),
          idNumber: h.id_number_enc ? this.vault.process('idNumber', h.id_number_enc) : '',
          phone: '',
        });
    }
    return out;
  }
}

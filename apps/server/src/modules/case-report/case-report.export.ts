import { v5 as uuidv5 } from 'uuid';
import type { Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { groupBy } from '../../platform/collections.ts';
import { csvFile, mapBatches, xlsxFile } from '../../platform/exports/formats.ts';
import type { ExportStore } from '../../platform/exports/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { CaseReportRepository } from './case-report.repository.ts';
import type { CaseRow, CaseSamplesTable } from './case-report.tables.ts';

const BATCH = 2000;
/** Stable FHIR resource ids from our ids, so two exports of one case name the same resources. */
const FHIR_NAMESPACE = '3b241101-e2bb-4255-8caf-4136c566a962';
/** GB 11643 citizen identity number (the OID China's health standards use for it). */
const ID_SYSTEM = 'urn:oid:2.16.156.10011.1.1';

/** One case as an export writes it out: every field in clear, for a stated purpose. */
export interface ExportedCase {
  row: CaseRow;
  name: string;
  idNumber: string;
  phone: string;
  address: string;
  gender: string | null;
  symptoms: string[];
  region: string;
  samples: Pick<CaseSamplesTable, 'id' | 'kind' | 'collected_at' | 'lab' | 'result' | 'result_at'>[];
}

const COLUMNS = [
  ['id', '病例编号'],
  ['name', '姓名'],
  ['idNumber', '身份证号'],
  ['phone', '手机号'],
  ['address', '住址'],
  ['region', '地区'],
  ['classification', '分类'],
  ['outcome', '转归'],
  ['source', '来源'],
  ['onsetDate', '发病日期'],
  ['diagnosedAt', '诊断时间'],
  ['reportedAt', '报告时间'],
  ['reporter', '报告人'],
  ['symptoms', '症状'],
] as const;
/** Column headers in both languages, so the file reads in a Chinese and an English spreadsheet alike. */
const HEADER = COLUMNS.map(([en, zh]) => `${zh} ${en}`);

function cells(c: ExportedCase): (string | null)[] {
  const r = c.row;
  return [
    r.id,
    c.name,
    c.idNumber,
    c.phone,
    c.address,
    c.region,
    r.classification,
    r.outcome,
    r.source,
    r.onset_date,
    r.diagnosed_at.toISOString(),
    r.reported_at.toISOString(),
    r.reporter_label,
    c.symptoms.join(' '),
  ];
}

/**
 * Writes a region's cases as CSV, XLSX or FHIR R4 (one Bundle of Patient, Condition, Specimen and
 * Observation per line of NDJSON), a batch at a time: a million rows never sit in memory, each person
 * written out is audited with the export's purpose, and progress is saved as it goes.
 */
export class CaseExporter {
  constructor(
    private readonly repo: CaseReportRepository,
    private readonly identity: IdentityService,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly store: ExportStore,
  ) {}

  async run(exportId: string, actor: Actor): Promise<void> {
    const file = await this.store.get(exportId);
    if (!file || file.status === 'done') return;
    const total = await this.repo.countForExport(file.region_code);
    const batches = (progress: (n: number) => Promise<void>) =>
      this.batches(file.region_code, file.purpose, actor, progress);
    await this.store.write(exportId, total, (progress) => {
      if (file.format === 'fhir') return fhir(batches(progress));
      const rows = mapBatches(batches(progress), cells);
      return file.format === 'xlsx' ? xlsxFile('cases', HEADER, rows) : csvFile(HEADER, rows);
    });
  }

  private async *batches(
    regionPrefix: string,
    purpose: string,
    actor: Actor,
    progress: (n: number) => Promise<void>,
  ): AsyncIterable<ExportedCase[]> {
    let after: string | null = null;
    let done = 0;
    for (;;) {
      const rows = await this.repo.exportPage(regionPrefix, after, BATCH);
      if (!rows.length) return;
      after = rows.at(-1)!.id;
      const [people, regions, samples] = await Promise.all([
        this.identity.plainPeople(rows.flatMap((r) => (r.resident_id ? [r.resident_id] : []))),
        this.regions.refs(rows.map((r) => r.region_code)),
        this.repo.samplesOf(rows.map((r) => r.id)),
      ]);
      const bySample = groupBy(samples, (s) => s.case_id);
      const out = rows.map((r) => {
        const person = r.resident_id ? people.get(r.resident_id) : undefined;
        const clinical = JSON.parse(this.vault.process('clinical', r.clinical_enc)) as { symptoms: string[] };
        return {
          row: r,
          name: r.name_enc ? this.vault.process('name', r.name_enc) : (person?.name ?? ''),
          idNumber: r.id_number_enc ? this.vault.process('idNumber', r.id_number_enc) : (person?.idNumber ?? ''),
          phone: r.phone_enc ? this.vault.process('phone', r.phone_enc) : (person?.phone ?? ''),
          address: r.address_enc ? this.vault.process('address', r.address_enc) : '',
          gender: person?.gender ?? null,
          symptoms: clinical.symptoms,
          region: regions.get(r.region_code)?.name ?? r.region_code,
          samples: bySample.get(r.id) ?? [],
        };
      });
      // Every person who leaves the platform in the file is a read of their data.
      await this.audit.recordMany(
        actor,
        rows.map((r) => ({
          action: 'export',
          subjectType: 'case',
          subjectId: r.resident_id ?? r.id,
          purpose,
          fields: ['name', 'idNumber', 'phone', 'address', 'health'],
          regionCode: r.region_code,
        })),
      );
      yield out;
      done += rows.length;
      await progress(done);
    }
  }
}

async function* fhir(batches: AsyncIterable<ExportedCase[]>): AsyncIterable<string> {
  for await (const batch of batches) yield batch.map((c) => JSON.stringify(bundleOf(c))).join('\n') + '\n';
}

const CONDITION_VERIFICATION: Record<string, string> = {
  confirmed: 'confirmed',
  clinical: 'provisional',
  asymptomatic: 'confirmed',
  suspected: 'provisional',
  unexplained_pneumonia: 'unconfirmed',
};
const SAMPLE_TYPES: Record<string, { code: string; display: string }> = {
  throat_swab: { code: '258529004', display: 'Throat swab' },
  nasal_swab: { code: '258500001', display: 'Nasopharyngeal swab' },
  sputum: { code: '119334006', display: 'Sputum specimen' },
  blood: { code: '119297000', display: 'Blood specimen' },
  bronchoalveolar_lavage: { code: '258607008', display: 'Bronchoalveolar lavage fluid sample' },
};

/** One case as a FHIR R4 collection Bundle: the patient, the diagnosis, and each sample with its result. */
export function bundleOf(c: ExportedCase) {
  const r = c.row;
  const uid = (kind: string, id: string) => uuidv5(`${kind}/${id}`, FHIR_NAMESPACE);
  const patientId = uid('Patient', r.resident_id ?? r.id);
  const patient = {
    resourceType: 'Patient',
    id: patientId,
    identifier: c.idNumber ? [{ system: ID_SYSTEM, value: c.idNumber }] : [],
    name: [{ text: c.name }],
    telecom: c.phone ? [{ system: 'phone', value: c.phone, use: 'mobile' }] : [],
    ...(c.gender ? { gender: c.gender } : {}),
    ...(c.idNumber.length === 18
      ? { birthDate: `${c.idNumber.slice(6, 10)}-${c.idNumber.slice(10, 12)}-${c.idNumber.slice(12, 14)}` }
      : {}),
    address: c.address ? [{ text: c.address }] : [],
  };
  const condition = {
    resourceType: 'Condition',
    id: uid('Condition', r.id),
    clinicalStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
          code: r.outcome === 'recovered' ? 'resolved' : r.outcome === 'excluded' ? 'inactive' : 'active',
        },
      ],
    },
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
          code: r.outcome === 'excluded' ? 'refuted' : CONDITION_VERIFICATION[r.classification],
        },
      ],
    },
    code: {
      coding: [
        {
          system: 'http://hl7.org/fhir/sid/icd-10',
          code: r.classification === 'unexplained_pneumonia' ? 'J18.9' : 'U07.1',
        },
      ],
      text: r.classification,
    },
    subject: { reference: `Patient/${patientId}` },
    onsetDateTime: r.onset_date,
    recordedDate: r.reported_at.toISOString(),
  };
  const specimens = c.samples.map((s) => ({
    resourceType: 'Specimen',
    id: uid('Specimen', s.id),
    type: { coding: [{ system: 'http://snomed.info/sct', ...SAMPLE_TYPES[s.kind] }], text: s.kind },
    subject: { reference: `Patient/${patientId}` },
    collection: { collectedDateTime: s.collected_at.toISOString() },
  }));
  const observations = c.samples
    .filter((s) => s.result !== 'pending')
    .map((s) => ({
      resourceType: 'Observation',
      id: uid('Observation', s.id),
      status: 'final',
      code: {
        coding: [
          {
            system: 'http://loinc.org',
            code: '94500-6',
            display: 'SARS-CoV-2 RNA [Presence] in Respiratory specimen by NAA with probe detection',
          },
        ],
      },
      subject: { reference: `Patient/${patientId}` },
      specimen: { reference: `Specimen/${uid('Specimen', s.id)}` },
      effectiveDateTime: s.collected_at.toISOString(),
      ...(s.result_at ? { issued: s.result_at.toISOString() } : {}),
      performer: [{ display: s.lab }],
      valueCodeableConcept: {
        coding: [
          s.result === 'positive'
            ? { system: 'http://snomed.info/sct', code: '10828004', display: 'Positive' }
            : { system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' },
        ],
      },
    }));
  const entries = [patient, condition, ...specimens, ...observations];
  return {
    resourceType: 'Bundle',
    id: uid('Bundle', r.id),
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: entries.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}

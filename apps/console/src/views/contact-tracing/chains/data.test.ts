import { describe, expect, it } from 'vitest';
import { bubbleSize, dayAt, daysBetween, graphOption, overviewOption } from './data.ts';

const t = (key: string, v: Record<string, unknown> = {}) => `${key}${JSON.stringify(v)}`;

describe('transmission chain drawings', () => {
  it('draws cases, contacts and bundles in their categories, with arrows from source to infected', () => {
    const option = graphOption(
      {
        collapsed: false,
        nodes: [
          {
            id: 'a',
            kind: 'case',
            name: '病*甲',
            classification: 'confirmed',
            level: null,
            count: 1,
            date: '2026-11-30',
          },
          {
            id: 'b',
            kind: 'case',
            name: '密*乙',
            classification: 'suspected',
            level: null,
            count: 1,
            date: '2026-12-01',
          },
          {
            id: 'c',
            kind: 'contact',
            name: '次*丁',
            classification: null,
            level: 'secondary',
            count: 1,
            date: '2026-12-01',
          },
          {
            id: 'contacts:b',
            kind: 'contacts',
            name: '',
            classification: null,
            level: null,
            count: 40,
            date: '2026-12-01',
          },
        ],
        edges: [
          { source: 'a', target: 'b', kind: 'link' },
          { source: 'a', target: 'c', kind: 'exposure' },
        ],
      },
      t,
    );
    const series = option.series[0]!;
    expect(series.data.map((d) => [d.id, d.category])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 2],
      ['contacts:b', 3],
    ]);
    expect(series.data[3]!.name).toBe('chains.bundle{"n":40}');
    expect(series.links[0]!.lineStyle.width).toBeGreaterThan(series.links[1]!.lineStyle.width);
    expect(series.draggable).toBe(true);
  });

  it('keeps the overview to the largest clusters and marks the growing ones', () => {
    const cluster = (id: string, cases: number, week: number, prev: number) => ({
      id,
      rootName: id,
      cases,
      contacts: cases * 10,
      firstDate: '2026-11-01',
      lastDate: '2026-12-01',
      newCases7d: week,
      newCasesPrev7d: prev,
    });
    const option = overviewOption([cluster('x', 9, 5, 1), cluster('y', 4, 0, 2), cluster('z', 1, 0, 0)], t, 2);
    const data = option.series[0]!.data;
    expect(data.map((d) => d.id)).toEqual(['x', 'y']);
    expect(data[0]!.itemStyle.color).not.toBe(data[1]!.itemStyle.color);
    expect(bubbleSize(100)).toBeLessThan(bubbleSize(1) * 10);
  });

  it('moves the slider by whole days', () => {
    expect(dayAt('2026-11-28', 3)).toBe('2026-12-01');
    expect(daysBetween('2026-11-28', '2026-12-01')).toBe(3);
  });
});

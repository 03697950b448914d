import { describe, expect, it } from 'vitest';
import type { ChainGraph } from '@zhengtong/web-core';
import {
  boundedSize,
  bubbleSize,
  dayAt,
  daysBetween,
  FORCE_LIMIT,
  graphOption,
  overviewOption,
  radialLayout,
} from './data.ts';

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

  it('scales bubbles against the largest cluster, so the biggest stays inside the drawing', () => {
    expect(boundedSize(20_000, 20_000)).toBe(96);
    expect(bubbleSize(20_000)).toBeGreaterThan(800);
    expect(boundedSize(5_000, 20_000)).toBe(54);
    expect(boundedSize(1, 1)).toBe(bubbleSize(1));
    const cluster = (id: string, people: number) => ({
      id,
      rootName: id,
      cases: 1,
      contacts: people - 1,
      firstDate: '2026-11-01',
      lastDate: '2026-12-01',
      newCases7d: 0,
      newCasesPrev7d: 0,
    });
    const data = overviewOption([cluster('x', 20_000), cluster('y', 12)], t).series[0]!.data;
    expect(data.map((d) => d.symbolSize)).toEqual([96, boundedSize(12, 20_000)]);
    expect(data[1]!.symbolSize).toBeLessThan(bubbleSize(12));
  });

  it('lays out a large cluster as a radial tree at once, without a force simulation', () => {
    // A chain of 400 cases (each infecting three), each with a bundle of contacts: 800 nodes.
    const nodes: ChainGraph['nodes'] = [];
    const edges: ChainGraph['edges'] = [];
    for (let i = 0; i < 400; i++) {
      const node = { classification: null, level: null, date: '2026-12-01' };
      nodes.push({ ...node, id: `c${i}`, kind: 'case', name: `c${i}`, count: 1 });
      nodes.push({ ...node, id: `contacts:c${i}`, kind: 'contacts', name: '', count: 19 });
      if (i) edges.push({ source: `c${Math.floor((i - 1) / 3)}`, target: `c${i}`, kind: 'link' });
      edges.push({ source: `c${i}`, target: `contacts:c${i}`, kind: 'exposure' });
    }
    const graph = { nodes, edges, collapsed: true };
    expect(graph.nodes.length).toBeGreaterThan(FORCE_LIMIT);
    const series = graphOption(graph, t).series[0]!;
    expect(series.layout).toBe('none');
    expect(series.animation).toBe(false);
    expect(series.draggable).toBe(false);
    expect(series.data.every((d) => Number.isFinite(d.x) && Number.isFinite(d.y))).toBe(true);

    const at = radialLayout(graph);
    const r = (id: string) => Math.hypot(at.get(id)!.x, at.get(id)!.y);
    expect(r('c0')).toBe(0);
    // Generations on rings: c1–c3 on the first, c4–c12 on the second; a case's bundle just outside it.
    expect(r('c2')).toBeCloseTo(r('c1'), -1);
    expect(r('c12')).toBeCloseTo(r('c4'), -1);
    expect(r('c4')).toBeGreaterThan(r('c1'));
    expect(r('contacts:c4')).toBeCloseTo(r('c4') + 15, -1);
    // Rings give each node about the same room: on the crowded outer ring (c121–c399) neighbours are
    // a third of a ring apart, where rings evenly spaced by generation would leave a tenth.
    expect((2 * Math.PI * r('c399')) / (399 - 120)).toBeGreaterThan(10);
    const angle = (id: string) => Math.atan2(at.get(id)!.y, at.get(id)!.x);
    expect(angle('contacts:c4')).toBeCloseTo(angle('c4'), 1);
    // No two nodes share a place.
    expect(new Set([...at.values()].map((p) => `${p.x},${p.y}`)).size).toBe(nodes.length);
  });

  it('lays out several first cases, a node infected twice and a cycle without losing a node', () => {
    const node = (id: string) => ({
      id,
      kind: 'case' as const,
      name: id,
      classification: null,
      level: null,
      count: 1,
      date: '2026-12-01',
    });
    const at = radialLayout({
      nodes: ['a', 'b', 'c', 'd', 'e'].map(node),
      edges: [
        { source: 'a', target: 'c', kind: 'link' },
        { source: 'b', target: 'c', kind: 'link' },
        { source: 'd', target: 'e', kind: 'link' },
        { source: 'e', target: 'd', kind: 'link' },
      ],
      collapsed: false,
    });
    expect([...at.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const r = (id: string) => Math.hypot(at.get(id)!.x, at.get(id)!.y);
    expect(r('a')).toBeCloseTo(r('b'), -1);
    expect(r('c')).toBeGreaterThan(r('a'));
  });

  it('moves the slider by whole days', () => {
    expect(dayAt('2026-11-28', 3)).toBe('2026-12-01');
    expect(daysBetween('2026-11-28', '2026-12-01')).toBe(3);
  });
});

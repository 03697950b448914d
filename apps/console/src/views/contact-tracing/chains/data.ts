import type { ChainCluster, ChainGraph } from '@zhengtong/web-core';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** Node categories, in legend order; colours keep red for cases and warm tones for contacts. */
export const CATEGORIES = ['case', 'close', 'secondary', 'contacts'] as const;
const COLOURS = ['#c0392b', '#e67e22', '#d4ac0d', '#a04000'];

/** How big a cluster's bubble is: by area, so a cluster ten times larger does not look a hundred times. */
export const bubbleSize = (people: number) => Math.round(12 + 6 * Math.sqrt(people));

/** The overview: each cluster one bubble, biggest first, at most `limit` of them. */
export function overviewOption(clusters: ChainCluster[], t: Translate, limit = 150) {
  return {
    tooltip: {},
    series: [
      {
        type: 'graph',
        layout: 'force',
        force: { repulsion: 120, gravity: 0.08 },
        roam: true,
        label: { show: true, position: 'inside', formatter: '{b}' },
        data: clusters.slice(0, limit).map((c) => ({
          id: c.id,
          name: c.rootName,
          value: c.cases + c.contacts,
          symbolSize: bubbleSize(c.cases + c.contacts),
          itemStyle: { color: c.newCases7d > c.newCasesPrev7d ? COLOURS[0] : '#7f8c8d' },
          tooltip: {
            formatter: t('chains.bubble', {
              name: c.rootName,
              cases: c.cases,
              contacts: c.contacts,
              week: c.newCases7d,
            }),
          },
        })),
        links: [],
      },
    ],
  };
}

/** One cluster drawn: cases, contacts (or per-case bundles of them) and who infected whom. */
export function graphOption(graph: ChainGraph, t: Translate) {
  const category = (n: ChainGraph['nodes'][number]) =>
    n.kind === 'case' ? 0 : n.kind === 'contacts' ? 3 : n.level === 'secondary' ? 2 : 1;
  return {
    tooltip: {},
    legend: { data: CATEGORIES.map((c) => t(`chains.categories.${c}`)), bottom: 0 },
    series: [
      {
        type: 'graph',
        layout: 'force',
        force: { repulsion: graph.nodes.length > 500 ? 30 : 90, edgeLength: 40, gravity: 0.1 },
        roam: true,
        draggable: graph.nodes.length <= 500,
        // Large drawings skip the animation so they settle at once.
        animation: graph.nodes.length <= 500,
        categories: CATEGORIES.map((c, i) => ({ name: t(`chains.categories.${c}`), itemStyle: { color: COLOURS[i] } })),
        label: { show: graph.nodes.length <= 300, position: 'right', formatter: '{b}', fontSize: 11 },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 6,
        data: graph.nodes.map((n) => ({
          id: n.id,
          name: n.kind === 'contacts' ? t('chains.bundle', { n: n.count }) : n.name,
          category: category(n),
          symbolSize: n.kind === 'case' ? 22 : n.kind === 'contacts' ? bubbleSize(n.count) : 9,
          value: n.kind,
        })),
        links: graph.edges.map((e) => ({
          source: e.source,
          target: e.target,
          lineStyle: e.kind === 'link' ? { width: 2.5, color: COLOURS[0] } : { width: 1, color: '#b0b7c3' },
        })),
      },
    ],
  };
}

/** The slider counts days from the first case; each position is a day. */
export function dayAt(firstDate: string, offset: number): string {
  return new Date(Date.parse(`${firstDate}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

import type { ChainCluster, ChainGraph } from '@zhengtong/web-core';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** Node categories, in legend order; colours keep red for cases and warm tones for contacts. */
export const CATEGORIES = ['case', 'close', 'secondary', 'contacts'] as const;
const COLOURS = ['#c0392b', '#e67e22', '#d4ac0d', '#a04000'];

/** How big a cluster's bubble is: by area, so a cluster ten times larger does not look a hundred times. */
export const bubbleSize = (people: number) => Math.round(12 + 6 * Math.sqrt(people));
/** Bubbles scaled by area against the largest, so a cluster of 20,000 does not cover the whole drawing. */
export const boundedSize = (people: number, largest: number, max = 96, min = 12) =>
  Math.min(bubbleSize(people), Math.round(min + (max - min) * Math.sqrt(people / Math.max(largest, 1))));
/** Above this many nodes a force layout takes seconds to settle and freezes frames: the tree is laid out at once. */
export const FORCE_LIMIT = 500;

/** The overview: each cluster one bubble, biggest first, at most `limit` of them. */
export function overviewOption(clusters: ChainCluster[], t: Translate, limit = 150) {
  const largest = Math.max(0, ...clusters.slice(0, limit).map((c) => c.cases + c.contacts));
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
          symbolSize: boundedSize(c.cases + c.contacts, largest),
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
  const small = graph.nodes.length <= FORCE_LIMIT;
  const at = small ? null : radialLayout(graph);
  const largest = Math.max(1, ...graph.nodes.map((n) => (n.kind === 'contacts' ? n.count : 1)));
  // Thousands of nodes share a few hundred pixels: small marks keep the tree readable, zooming enlarges them.
  const mark = graph.nodes.length > 1500 ? 4 : graph.nodes.length > 1000 ? 5 : 8;
  return {
    tooltip: {},
    legend: { data: CATEGORIES.map((c) => t(`chains.categories.${c}`)), bottom: 0 },
    series: [
      {
        type: 'graph',
        ...(small
          ? { layout: 'force', force: { repulsion: 90, edgeLength: 40, gravity: 0.1 } }
          : { layout: 'none', bottom: 36 }),
        roam: true,
        draggable: small,
        // Large drawings skip the animation so they show at once.
        animation: small,
        categories: CATEGORIES.map((c, i) => ({ name: t(`chains.categories.${c}`), itemStyle: { color: COLOURS[i] } })),
        label: { show: graph.nodes.length <= 300, position: 'right', formatter: '{b}', fontSize: 11 },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: small ? 6 : 3,
        data: graph.nodes.map((n) => ({
          id: n.id,
          name: n.kind === 'contacts' ? t('chains.bundle', { n: n.count }) : n.name,
          category: category(n),
          symbolSize: small
            ? n.kind === 'case'
              ? 22
              : n.kind === 'contacts'
                ? bubbleSize(n.count)
                : 9
            : n.kind === 'case'
              ? mark
              : n.kind === 'contacts'
                ? boundedSize(n.count, largest, mark + 2, mark / 2)
                : mark / 2,
          value: n.kind,
          ...(at ? at.get(n.id) : {}),
        })),
        links: graph.edges.map((e) => ({
          source: e.source,
          target: e.target,
          lineStyle:
            e.kind === 'link'
              ? { width: small ? 2.5 : 1.2, color: COLOURS[0] }
              : { width: small ? 1 : 0.5, color: '#b0b7c3' },
        })),
      },
    ],
  };
}

/**
 * A radial tree: the first cases at the centre, each generation one ring further out, every case and
 * contact in a slice of its source's angle as wide as the people below it. Rings are spaced so that
 * each node has about the same area (the outer generations are the crowded ones). Computed in one pass, so a
 * drawing of thousands of nodes needs no force simulation; a case infected twice sits under the first.
 * A bundle of contacts takes no slice: it sits just outside its case.
 */
export function radialLayout(graph: ChainGraph, ring = 30): Map<string, { x: number; y: number }> {
  const children = new Map<string, string[]>();
  const hasSource = new Set<string>();
  const bundles = new Set(graph.nodes.filter((n) => n.kind === 'contacts').map((n) => n.id));
  const bundleOf = new Map<string, string>();
  for (const e of graph.edges) {
    if (e.source === e.target) continue;
    if (bundles.has(e.target)) {
      bundleOf.set(e.target, e.source);
      continue;
    }
    const list = children.get(e.source);
    if (list) list.push(e.target);
    else children.set(e.source, [e.target]);
    hasSource.add(e.target);
  }
  const roots = graph.nodes.filter((n) => !hasSource.has(n.id) && !bundleOf.has(n.id)).map((n) => n.id);
  // Breadth first, so each node hangs under the nearest source that reaches it; cycles are cut.
  const parentOf = new Map<string, string | null>();
  const order: string[] = [];
  const visit = (start: string) => {
    parentOf.set(start, null);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      order.push(queue[i]!);
      for (const c of children.get(queue[i]!) ?? [])
        if (!parentOf.has(c)) {
          parentOf.set(c, queue[i]!);
          queue.push(c);
        }
    }
  };
  for (const r of roots) visit(r);
  for (const n of graph.nodes) if (!parentOf.has(n.id) && !bundleOf.has(n.id)) visit(n.id);
  const kids = new Map<string, string[]>();
  for (const id of order) {
    const p = parentOf.get(id);
    if (!p) continue;
    const list = kids.get(p);
    if (list) list.push(id);
    else kids.set(p, [id]);
  }
  const weight = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i]!;
    const below = (kids.get(id) ?? []).reduce((sum, c) => sum + weight.get(c)!, 0);
    weight.set(id, Math.max(1, below));
  }
  // Parents come before their children in `order`: each hands out its slice as it is placed.
  const slice = new Map<string, { depth: number; from: number; to: number }>();
  const tops = order.filter((id) => parentOf.get(id) === null);
  const total = tops.reduce((sum, id) => sum + weight.get(id)!, 0);
  let start = 0;
  for (const id of tops) {
    const end = start + (2 * Math.PI * weight.get(id)!) / total;
    // A lone first case sits at the centre; several start on the first ring.
    slice.set(id, { depth: tops.length === 1 ? 0 : 1, from: start, to: end });
    start = end;
  }
  // Depths first (parents precede children), then the radius of each ring from the nodes inside it.
  for (const id of order) {
    const { depth } = slice.get(id)!;
    for (const c of kids.get(id) ?? []) slice.set(c, { depth: depth + 1, from: 0, to: 0 });
  }
  const perDepth: number[] = [];
  for (const id of order) {
    const d = slice.get(id)!.depth;
    perDepth[d] = (perDepth[d] ?? 0) + 1;
  }
  const radius: number[] = [];
  for (let d = 0, inside = 0; d < perDepth.length; d++) {
    const n = perDepth[d] ?? 0;
    radius[d] = d === 0 ? 0 : Math.max((radius[d - 1] ?? 0) + ring, ring * Math.sqrt(inside + n / 2));
    inside += n;
  }
  const at = new Map<string, { x: number; y: number }>();
  for (const id of order) {
    const { depth, from, to } = slice.get(id)!;
    const angle = (from + to) / 2;
    const r = radius[depth]!;
    at.set(id, { x: Math.round(r * Math.cos(angle)), y: Math.round(r * Math.sin(angle)) });
    let next = from;
    for (const c of kids.get(id) ?? []) {
      const end = next + ((to - from) * weight.get(c)!) / weight.get(id)!;
      slice.set(c, { depth: depth + 1, from: next, to: end });
      next = end;
    }
  }
  for (const [bundle, of] of bundleOf) {
    const { depth, from, to } = slice.get(of)!;
    const angle = (from + to) / 2;
    const r = radius[depth]! + ring / 2;
    at.set(bundle, { x: Math.round(r * Math.cos(angle)), y: Math.round(r * Math.sin(angle)) });
  }
  return at;
}

/** The slider counts days from the first case; each position is a day. */
export function dayAt(firstDate: string, offset: number): string {
  return new Date(Date.parse(`${firstDate}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

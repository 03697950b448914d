import { describe, expect, it } from 'vitest';
import type { ProposalLine } from '@zhengtong/web-core';
import { allocationLines, editable } from './data.ts';

const line = (lineId: string, itemId: string, quantity: number, requested = quantity) =>
  ({ lineId, item: { id: itemId }, quantity, requested }) as ProposalLine;

describe('allocation proposal', () => {
  it('approves what the official kept, substitutes included, and drops lines set to 0', () => {
    const lines = editable([line('a', 'n95', 600, 800), line('a', 'kn95', 200, 200), line('b', 'n95', 50)]);
    lines[2]!.give = 0;
    lines[0]!.give = 900;
    expect(allocationLines(lines)).toEqual([
      { lineId: 'a', itemId: 'n95', quantity: 800 },
      { lineId: 'a', itemId: 'kn95', quantity: 200 },
    ]);
  });
});

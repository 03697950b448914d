import type { ProposalLine } from '@zhengtong/web-core';

/** A proposal line as the official edits it: the quantity may be lowered, or set to 0 to leave it out. */
export interface EditableLine extends ProposalLine {
  give: number;
}

export const editable = (lines: ProposalLine[]): EditableLine[] => lines.map((l) => ({ ...l, give: l.quantity }));

/** The allocation to approve: every line with something to give, never more than is open on it. */
export function allocationLines(lines: EditableLine[]) {
  return lines
    .filter((l) => l.give > 0)
    .map((l) => ({ lineId: l.lineId, itemId: l.item.id, quantity: Math.min(l.give, l.requested) }));
}

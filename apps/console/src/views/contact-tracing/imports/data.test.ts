import { describe, expect, it } from 'vitest';
import { finished, formatOf, nextChunk, percent } from './data.ts';

describe('manifest import page helpers', () => {
  it('knows the two formats by extension, in any case', () => {
    expect(formatOf('乘客名单.CSV')).toBe('csv');
    expect(formatOf('flight.xlsx')).toBe('xlsx');
    expect(formatOf('old.xls')).toBeNull();
  });
  it('plans chunks from the bytes the server already has, the last one shorter', () => {
    expect(nextChunk(10, 0, 4)).toEqual({ start: 0, end: 4 });
    expect(nextChunk(10, 8, 4)).toEqual({ start: 8, end: 10 });
    expect(nextChunk(10, 10, 4)).toBeNull();
  });
  it('rounds progress down and never past 100', () => {
    expect(percent(999, 1000)).toBe(99);
    expect(percent(5, 0)).toBe(0);
    expect(percent(11, 10)).toBe(100);
    expect(finished('running')).toBe(false);
    expect(finished('refused')).toBe(true);
  });
});

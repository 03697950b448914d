import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry.ts';

describe('retryDelayMs', () => {
  it('never asks again sooner than the server said, nor sooner than a second', () => {
    expect(retryDelayMs(5, () => 0)).toBe(5000);
    expect(retryDelayMs(0, () => 0)).toBe(1000);
    expect(retryDelayMs(5, () => 0.999_999)).toBeLessThanOrEqual(7500);
  });

  it('spreads a crowd told the same second over half a second more', () => {
    const delays = Array.from({ length: 1000 }, () => retryDelayMs(1));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1500);
    // Spread out, not one wave: each tenth of the half second holds some of them.
    const tenths = new Set(delays.map((d) => Math.min(4, Math.floor((d - 1000) / 100))));
    expect(tenths.size).toBe(5);
  });
});

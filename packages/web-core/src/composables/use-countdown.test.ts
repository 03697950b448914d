import { effectScope } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useCountdown } from './use-countdown.ts';

describe('useCountdown', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts down to zero and stops; disposal stops it early', () => {
    const scope = effectScope();
    const c = scope.run(() => useCountdown())!;
    c.start(60);
    expect(c.running.value).toBe(true);
    vi.advanceTimersByTime(59_000);
    expect(c.remaining.value).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(c.remaining.value).toBe(0);
    expect(c.running.value).toBe(false);

    c.start(10);
    vi.advanceTimersByTime(3_000);
    scope.stop();
    vi.advanceTimersByTime(5_000);
    expect(c.remaining.value).toBe(7);
  });
});

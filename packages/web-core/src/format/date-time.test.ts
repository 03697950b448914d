import { describe, expect, it } from 'vitest';
import { formatDateTime } from './date-time.ts';

describe('formatDateTime', () => {
  it('shows Asia/Shanghai time whatever the machine zone', () => {
    expect(formatDateTime('2026-01-31T16:30:05Z', 'en-US')).toBe('02/01/2026, 00:30:05');
    expect(formatDateTime('2026-01-31T16:30:05Z', 'zh-CN')).toBe('2026/02/01 00:30:05');
    expect(formatDateTime(null, 'zh-CN')).toBe('');
  });
});

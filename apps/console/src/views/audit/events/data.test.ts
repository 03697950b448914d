import { describe, expect, it } from 'vitest';
import { auditCsvUrl, auditQuery, emptyFilters } from './data.ts';

describe('audit filters', () => {
  it('sends only filled-in filters', () => {
    expect(auditQuery(emptyFilters())).toEqual({});
    expect(auditQuery({ ...emptyFilters(), action: ' resident.read ', from: '2026-01-01T00:00:00+08:00' })).toEqual({
      action: 'resident.read',
      from: '2026-01-01T00:00:00+08:00',
    });
  });

  it('builds the CSV link with the same filters, encoded', () => {
    expect(auditCsvUrl(emptyFilters())).toBe('/api/v1/identity/audit-events.csv');
    const url = auditCsvUrl({ ...emptyFilters(), actorId: 'a b', to: '2026-01-02T00:00:00+08:00' });
    const parsed = new URL(url, 'http://x');
    expect(parsed.pathname).toBe('/api/v1/identity/audit-events.csv');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({ actorId: 'a b', to: '2026-01-02T00:00:00+08:00' });
  });
});

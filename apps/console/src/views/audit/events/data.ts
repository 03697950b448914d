export interface AuditFilters {
  actorId: string;
  subjectId: string;
  action: string;
  /** ISO 8601 timestamps or '' */
  from: string;
  to: string;
}

/** Actions the audit log records, for the filter. */
export const auditActions = ['view', 'read', 'create', 'update', 'revoke', 'export'] as const;

export const emptyFilters = (): AuditFilters => ({ actorId: '', subjectId: '', action: '', from: '', to: '' });

/** The query both the table and the CSV export send: only filled-in filters, trimmed. */
export function auditQuery(filters: AuditFilters): Partial<AuditFilters> {
  const out: Partial<AuditFilters> = {};
  for (const key of Object.keys(filters) as (keyof AuditFilters)[]) {
    const value = filters[key].trim();
    if (value) out[key] = value;
  }
  return out;
}

/** Link that downloads the same filtered events as CSV (GET with the session cookie; no CSRF needed). */
export function auditCsvUrl(filters: AuditFilters, base = '/api/v1/identity/audit-events.csv'): string {
  const qs = new URLSearchParams(auditQuery(filters) as Record<string, string>).toString();
  return qs ? `${base}?${qs}` : base;
}

export const columns = [
  { prop: 'at', label: 'audit.fields.at', width: 180 },
  { prop: 'actor', label: 'audit.fields.actor', width: 160 },
  { prop: 'action', label: 'audit.fields.action', width: 200 },
  { prop: 'subject', label: 'audit.fields.subject', minWidth: 220 },
  { prop: 'purpose', label: 'audit.fields.purpose', minWidth: 140 },
  { prop: 'fields', label: 'audit.fields.fields', minWidth: 140 },
  { prop: 'regionCode', label: 'audit.fields.regionCode', width: 140 },
] as const;

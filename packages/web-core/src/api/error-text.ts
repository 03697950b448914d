import { ApiError } from './api-error.ts';

/** The text to show for a failed call: the server's localised message, or a local one for network/unknown failures. */
export function errorText(err: unknown, t: (key: string) => string): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('core.errors.network');
    return err.detail || err.title || t('core.errors.unknown');
  }
  return t('core.errors.unknown');
}

/** Field-level messages keyed by the last path segment (`/body/phone` → `phone`). */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const e of err.errors) {
    const key = e.path.split(/[/.]/).filter(Boolean).pop() ?? e.path;
    out[key] ??= e.message;
  }
  return out;
}

import type { ManifestImport } from '@zhengtong/web-core';

export type ImportStatus = ManifestImport['status'];
export type ImportFormat = ManifestImport['format'];

/** The format a file name says it is; other files are not offered for import. */
export function formatOf(fileName: string): ImportFormat | null {
  const ext = fileName.toLowerCase().split('.').pop();
  return ext === 'csv' ? 'csv' : ext === 'xlsx' ? 'xlsx' : null;
}

/** The next chunk to send after `uploaded` bytes, or null when the file is all there. */
export function nextChunk(size: number, uploaded: number, chunkBytes: number): { start: number; end: number } | null {
  if (uploaded >= size) return null;
  return { start: uploaded, end: Math.min(size, uploaded + chunkBytes) };
}

export const percent = (part: number, whole: number) =>
  whole > 0 ? Math.min(100, Math.floor((part / whole) * 100)) : 0;

/** Statuses after which nothing changes any more. */
export const finished = (status: ImportStatus) => status === 'done' || status === 'failed' || status === 'refused';

export const rejectsUrl = (id: string) => `/api/v1/contact-tracing/imports/${id}/rejects.csv`;

export const statusTag: Record<ImportStatus, 'info' | 'warning' | 'primary' | 'success' | 'danger'> = {
  uploading: 'info',
  queued: 'warning',
  running: 'primary',
  done: 'success',
  failed: 'danger',
  refused: 'danger',
};

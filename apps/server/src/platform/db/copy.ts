export type CopyValue = string | number | boolean | Date | null | undefined;

// COPY's text format (PostgreSQL manual, COPY, "Text Format"): fields split by tab, rows by newline,
// \N for null; a backslash, tab, newline or carriage return inside a value is written backslash-escaped.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = typeof v === 'string' ? v : v.toISOString();
  return SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESCAPED[c]!) : s;
}

/**
 * Rows for one `COPY … FROM STDIN` (text format), encoded as they are added. The bytes live outside
 * the JavaScript heap, so a batch of ten thousand rows waiting for its turn costs the garbage
 * collector nothing, where the same rows as objects are copied by every collection until written.
 */
export class CopyRows {
  private buffer: Buffer;
  private end = 0;
  private count = 0;

  constructor(
    readonly columns: readonly string[],
    initialBytes = 1 << 20,
  ) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends one row: each of `columns` from `row`, missing ones as null. */
  add(row: Readonly<Record<string, CopyValue>>): void {
    let line = field(row[this.columns[0]!]);
    for (let i = 1; i < this.columns.length; i++) line += '\t' + field(row[this.columns[i]!]);
    line += '\n';
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (this.end + line.length * 3 > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.end + line.length * 3));
      this.buffer.copy(grown, 0, 0, this.end);
      this.buffer = grown;
    }
    this.end += this.buffer.write(line, this.end, 'utf8');
    this.count++;
  }

  /** Rows another CopyRows of the same columns encoded, say on a worker thread that sent its bytes here. */
  static encoded(columns: readonly string[], bytes: Uint8Array, count: number): CopyRows {
    const rows = new CopyRows(columns, 0);
    rows.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    rows.end = bytes.byteLength;
    rows.count = count;
    return rows;
  }

  get length(): number {
    return this.count;
  }

  /** The encoded rows (a view, valid until the next `add`). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.end);
  }
}

/** A table or column name as a quoted SQL identifier. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';

export type Cell = string | number | null;

/** CSV a batch at a time; the byte-order mark makes Excel open the UTF-8 file with its Chinese intact. */
export async function* csvFile(header: string[], batches: AsyncIterable<Cell[][]>): AsyncIterable<string> {
  yield '\ufeff' + stringify([header]);
  for await (const rows of batches) yield stringify(rows);
}

/** XLSX streamed row by row (exceljs' streaming writer): a million rows never sit in memory. */
export async function* xlsxFile(
  sheetName: string,
  header: string[],
  batches: AsyncIterable<Cell[][]>,
): AsyncIterable<Uint8Array> {
  const out = new PassThrough();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = book.addWorksheet(sheetName);
  sheet.addRow(header).commit();
  const writing = (async () => {
    for await (const rows of batches) for (const r of rows) sheet.addRow(r).commit();
    sheet.commit();
    await book.commit();
  })();
  writing.catch((err: unknown) => out.destroy(err as Error));
  for await (const chunk of out) yield chunk as Buffer;
  await writing;
}

/** Maps each batch a source yields. */
export async function* mapBatches<T, U>(batches: AsyncIterable<T[]>, f: (item: T) => U): AsyncIterable<U[]> {
  for await (const batch of batches) yield batch.map(f);
}

/**
 * CSV as exported tables are written (RFC 4180 and what Excel writes), read
 * by `csv-parse`: quoted fields with doubled quotes and line breaks inside,
 * CRLF, LF or CR line ends, even mixed in one file. Streamed: only the
 * record in progress is held, so a file of any size passes in bounded memory.
 */
import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';

/** One record and the physical line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A quote opened and never closed: the file cannot be split into rows. */
export class CsvQuoteError extends Error {
  constructor(
    /** The first line of the record whose quote is open. */
    readonly line: number,
  ) {
    super(`a quote opened at or after line ${line} is never closed`);
    this.name = 'CsvQuoteError';
  }
}

/** A row longer than this fails the read: no exported row comes near it. */
const MAX_RECORD_BYTES = 1 << 20;

// Lenient where an export tool may be sloppy (a stray quote inside a field,
// rows of different lengths), strict only where rows cannot be told apart.
const OPTIONS: Options<CsvRecord, string[]> = {
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: true,
  // Fixed, not detected from the first line end: a file may mix them.
  record_delimiter: ['\r\n', '\n', '\r'],
  // Memory stays bounded: a quote left open would otherwise gather the rest of
  // the file into one field (off the heap, where no heap limit stops it).
  max_record_size: MAX_RECORD_BYTES,
};

const LINE_BREAK = /\r\n|\r|\n/g;

/** Line breaks inside a record's quoted fields (rare, so counted only when present). */
function breaksWithin(cells: string[]): number {
  let n = 0;
  for (const c of cells) if (c.includes('\n') || c.includes('\r')) n += c.match(LINE_BREAK)!.length;
  return n;
}

/**
 * The records of a text, given in chunks, each with the line it starts on,
 * in batches of what has been parsed so far (at most `batchSize`): rows read
 * before a failure further on are still seen. Throws `CsvQuoteError` when a
 * quote is never closed.
 */
export async function* csvRecords(text: AsyncIterable<string> | Iterable<string>, batchSize = 1000): AsyncGenerator<CsvRecord[]> {
  // Lines are counted here: csv-parse's own count takes a CRLF inside a
  // quoted field for two lines, and every line after it would be off by one.
  let next = 1;
  let emptyBefore = 0;
  const options: Options<CsvRecord, string[]> = {
    ...OPTIONS,
    // Runs as each record is parsed, before any is handed on, so the line
    // of a quote never closed is known even when records are still queued.
    on_record: (record, info) => {
      const line = next + (info.empty_lines - emptyBefore);
      emptyBefore = info.empty_lines;
      next = line + 1 + breaksWithin(record);
      return { line, cells: record };
    },
  };
  // The typings give `on_record`'s result type only to the overload with `columns`.
  const parser = Readable.from(text, { objectMode: false }).pipe(parse(options as unknown as Options));
  let batch: CsvRecord[] = [];
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) {
      batch.push(record);
      if (batch.length >= batchSize || parser.readableLength === 0) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } catch (e) {
    if (e instanceof CsvError && e.code === 'CSV_QUOTE_NOT_CLOSED') throw new CsvQuoteError(next);
    throw e;
  }
}

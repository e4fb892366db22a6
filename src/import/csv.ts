/**
 * A streaming CSV parser (RFC 4180 and what Excel writes): quoted fields with
 * doubled quotes and line breaks inside, CRLF or LF line ends. It keeps only
 * the record in progress, so a file of any size passes in bounded memory.
 */

/** One record and the physical line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** Saw a quote inside a quoted field: a doubled quote or the field's end. */
  QuoteInQuoted,
}

export class CsvParser {
  private state = State.FieldStart;
  private field = '';
  private cells: string[] = [];
  private line = 1;
  private recordLine = 1;
  private afterCr = false;

  /** Parses a chunk of text; complete records are appended to `out`. */
  push(text: string, out: CsvRecord[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
        case State.Unquoted: {
          if (this.state === State.FieldStart && c === QUOTE) {
            this.state = State.Quoted;
            i++;
            break;
          }
          // Take a run of plain characters in one slice.
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === COMMA || d === LF || d === CR) break;
            j++;
          }
          if (j > i) {
            this.field += text.slice(i, j);
            this.state = State.Unquoted;
          }
          if (j >= n) {
            i = j;
            break;
          }
          const d = text.charCodeAt(j);
          if (d === COMMA) this.endField();
          else this.endRecord(out, d === CR);
          i = j + 1;
          break;
        }
        case State.Quoted: {
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === QUOTE) break;
            if (d === LF) this.line++;
            j++;
          }
          this.field += text.slice(i, j);
          if (j < n) this.state = State.QuoteInQuoted;
          i = j + 1;
          break;
        }
        case State.QuoteInQuoted: {
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            i++;
          } else {
            // The quoted part ended; anything before the comma is kept as written.
            this.state = State.Unquoted;
            if (c === COMMA) {
              this.endField();
              i++;
            } else if (c === LF || c === CR) {
              this.endRecord(out, c === CR);
              i++;
            }
          }
          break;
        }
      }
    }
  }

  /** Flushes the last record when the file does not end with a line break. */
  end(out: CsvRecord[]): void {
    if (this.state !== State.FieldStart || this.field !== '' || this.cells.length > 0) this.endRecord(out, false);
  }

  private endField(): void {
    this.cells.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRecord(out: CsvRecord[], cr: boolean): void {
    this.endField();
    const cells = this.cells;
    this.cells = [];
    // Blank lines are not records.
    if (!(cells.length === 1 && cells[0] === '')) out.push({ line: this.recordLine, cells });
    this.line++;
    this.recordLine = this.line;
    this.afterCr = cr;
  }
}

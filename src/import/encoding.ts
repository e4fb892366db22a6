/**
 * Text encodings of exported CSV files: UTF-8 (with or without a BOM), or
 * GBK/GB18030, which Excel writes by default on Chinese Windows. Detected
 * from a sample: text that is valid UTF-8 is UTF-8; anything else is read as
 * GB18030 (a superset of GBK and GB2312).
 */
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'gb18030';

/** Decodes a byte stream chunk by chunk. */
export interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** The encoding of a file from its first bytes (a truncated last character is fine). */
export function detectEncoding(sample: Uint8Array): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** Thrown when bytes later in a file are not in the encoding detected at its start. */
export class EncodingError extends Error {
  constructor(readonly encoding: TextEncoding) {
    super(`the file is not valid ${encoding} throughout`);
    this.name = 'EncodingError';
  }
}

/** A streaming decoder; UTF-8 is strict (so a mixed file is refused, not garbled) and drops a BOM. */
export function chunkDecoder(encoding: TextEncoding): ChunkDecoder {
  if (encoding === 'utf-8') {
    const d = new TextDecoder('utf-8', { fatal: true });
    const guard = (f: () => string) => {
      try {
        return f();
      } catch {
        throw new EncodingError('utf-8');
      }
    };
    return { write: (chunk) => guard(() => d.decode(chunk, { stream: true })), end: () => guard(() => d.decode()) };
  }
  const d = iconv.getDecoder('gb18030');
  return { write: (chunk) => d.write(chunk), end: () => d.end() ?? '' };
}

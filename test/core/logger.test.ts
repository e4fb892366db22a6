/** Structured logs: one JSON object a line, level by name, filtered by LOG_LEVEL's level. */
import { describe, expect, it } from 'vitest';
import { jsonLogger, memoryLogger } from '../../src/core/logger.ts';

describe('jsonLogger (pino)', () => {
  it('writes JSON lines with time, level name, message and fields, at or above its level', () => {
    const lines: string[] = [];
    const log = jsonLogger('warn', { write: (s: string) => lines.push(s) });
    log.debug('no');
    log.info('no');
    log.warn('slow post', { channel: 'C1', ms: 812 });
    log.error('failed', { ref: 'Eabc123' });
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'warn', msg: 'slow post', channel: 'C1', ms: 812, pid: process.pid });
    expect(new Date(first.time as string).toISOString()).toBe(first.time);
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'error', msg: 'failed', ref: 'Eabc123' });
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('is silent at "silent", and the memory logger keeps every level', () => {
    const lines: string[] = [];
    jsonLogger('silent', { write: (s: string) => lines.push(s) }).error('nothing');
    expect(lines).toEqual([]);
    const mem = memoryLogger();
    mem.debug('d');
    mem.info('i');
    expect(mem.lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['debug', 'info']);
  });
});

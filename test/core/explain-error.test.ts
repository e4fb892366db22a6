/** A CLI's last words: the problem in words with the path, never a stack or a bare errno. */
import { describe, expect, it } from 'vitest';
import { openSync } from 'node:fs';
import { explainError } from '../../src/core/explain-error.ts';
import { EnrollbotError } from '../../src/core/errors.ts';

function systemError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(`${code}: raw system text`), { code, ...fields });
}

describe('explainError', () => {
  it('puts file-system errors in words, naming the file the user asked for', () => {
    let real: unknown;
    try {
      openSync('/no/such/folder/ledger.csv.partial', 'w');
    } catch (e) {
      real = e;
    }
    expect(explainError(real)).toEqual({ message: '/no/such/folder/ledger.csv: no such file or folder (check the path, and that its folder exists)', exitCode: 2 });
    expect(explainError(systemError('EACCES', { syscall: 'open', path: '/srv/x.csv' })).message).toBe('/srv/x.csv: permission denied (this user may not read or write it)');
    expect(explainError(systemError('ENOSPC', { syscall: 'write', path: '/srv/x.csv' }))).toEqual({ message: 'the disk is full: /srv/x.csv could not be written', exitCode: 1 });
    expect(explainError(systemError('EISDIR', { path: '/srv' })).message).toBe('/srv is a folder: name a file inside it');
  });

  it('explains an unreachable database, also inside a wrapped error', () => {
    const refused = systemError('ECONNREFUSED', { address: '127.0.0.1', port: 5432 });
    expect(explainError(refused).message).toBe('cannot reach the database server at 127.0.0.1:5432 (DATABASE_URL): is it running?');
    const wrapped = new EnrollbotError('migration_failed', 'migration unknown failed: connect ECONNREFUSED 127.0.0.1:5432', { cause: refused });
    expect(explainError(wrapped).message).toBe('cannot reach the database server at 127.0.0.1:5432 (DATABASE_URL): is it running?');
  });

  it('keeps our own messages and their exit codes, and never shows a stack', () => {
    expect(explainError(new EnrollbotError('config_invalid', 'LOG_FORMAT must be json or text'))).toEqual({ message: 'LOG_FORMAT must be json or text', exitCode: 2 });
    const other = new Error('something broke\n    at thing (file.ts:1:1)');
    expect(explainError(other)).toEqual({ message: 'something broke', exitCode: 1 });
    expect(explainError(new Error('ID 430602198503150013 rejected')).message).not.toContain('198503150013');
  });
});

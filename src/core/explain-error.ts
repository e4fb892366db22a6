/**
 * What a command-line program says when it stops on an error: the problem in
 * words, naming the file or folder, never a stack trace or a bare errno
 * (`ENOENT: no such file or directory, open …`), and the exit code.
 */
import { EnrollbotError } from './errors.ts';
import { redact } from '../domain/mask.ts';

/** Exit codes: 1 the work failed, 2 what was asked cannot be done as written (a usage or configuration problem). */
export interface Explained {
  message: string;
  exitCode: 1 | 2;
}

interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

function isSystemError(e: unknown): e is SystemError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && /^E[A-Z]+$/.test((e as unknown as { code: string }).code);
}

/** Writes go through `<file>.partial` and a rename: name the file the user asked for. */
const shown = (path: string) => path.replace(/\.partial$/, '');

/** An error as one or more plain lines and the exit code it deserves. */
export function explainError(e: unknown): Explained {
  // A wrapped system error (a migration that could not even connect) is explained by its cause.
  if (e instanceof EnrollbotError && isSystemError(e.cause)) return explainError(e.cause);
  if (e instanceof EnrollbotError) return { message: e.message, exitCode: e.code === 'config_invalid' ? 2 : 1 };
  if (isSystemError(e)) {
    const path = e.path ? shown(e.path) : undefined;
    const what = path ?? 'the file';
    switch (e.code) {
      case 'ENOENT':
        return { message: `${what}: no such file or folder (check the path, and that its folder exists)`, exitCode: 2 };
      case 'EACCES':
      case 'EPERM':
        return { message: `${what}: permission denied (this user may not ${e.syscall === 'open' || e.syscall === 'mkdir' ? 'read or write' : 'use'} it)`, exitCode: 2 };
      case 'EISDIR':
        return { message: `${what} is a folder: name a file inside it`, exitCode: 2 };
      case 'ENOTDIR':
        return { message: `${what}: a part of this path is a file, not a folder`, exitCode: 2 };
      case 'EEXIST':
        return { message: `${what} exists already: name a new file`, exitCode: 2 };
      case 'EROFS':
        return { message: `${what} is on a read-only disk`, exitCode: 2 };
      case 'ENOSPC':
        return { message: `the disk is full: ${what} could not be written`, exitCode: 1 };
      case 'ECONNREFUSED':
      case 'ENOTFOUND':
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
        return { message: `cannot reach the database server${e.address ? ` at ${e.address}${e.port ? `:${e.port}` : ''}` : ''} (DATABASE_URL): is it running?`, exitCode: 1 };
    }
  }
  // Anything else: its message alone (masked), never its stack.
  const message = e instanceof Error ? e.message : String(e);
  return { message: redact(message.split('\n')[0] ?? message), exitCode: 1 };
}

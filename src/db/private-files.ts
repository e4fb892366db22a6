/**
 * Files the bot writes hold personal data (the database, its WAL, backups,
 * exports, charts, keys): readable by their owner only, 0600 in folders of
 * 0700, whatever the process's umask. Modes are set explicitly after
 * creation too, because a umask can only take bits away from `mode`.
 */
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Owner read and write. */
export const FILE_MODE = 0o600;
/** Owner only. */
export const DIR_MODE = 0o700;

/**
 * Makes `dir` (and its missing parents) owner-only. Folders created here are
 * 0700; an existing folder is tightened only with `own: true` (folders that
 * are the bot's alone, like the key folder), never a shared one like the
 * working directory or /tmp.
 */
export function ensurePrivateDir(dir: string, options: { own?: boolean } = {}): void {
  const abs = resolve(dir);
  const first = mkdirSync(abs, { recursive: true, mode: DIR_MODE });
  if (first !== undefined) {
    // Every folder from the first one created down to `dir` is new.
    for (let d = abs; ; d = dirname(d)) {
      chmodSync(d, DIR_MODE);
      if (d === first || d === dirname(d)) break;
    }
  } else if (options.own) {
    chmodSync(abs, DIR_MODE);
  }
}

/**
 * Creates `file` empty (or truncates it; with `keep`, leaves an existing
 * one as it is) with mode 0600, before anything is written into it, so its
 * content is never readable by others, not even for a moment.
 */
export function createPrivateFile(file: string, options: { keep?: boolean } = {}): void {
  const fd = openSync(file, options.keep ? 'a' : 'w', FILE_MODE);
  try {
    fchmodSync(fd, FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** Sets 0600 on each file that exists (a database's `-wal` and `-shm` may not yet). */
export function makePrivate(...files: string[]): void {
  for (const f of files) if (existsSync(f)) chmodSync(f, FILE_MODE);
}

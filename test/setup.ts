/**
 * Runs before every test file: PostgreSQL test databases never outlive their
 * file, and no test writes a key into the real home folder (a generated
 * personal-data key goes to ENROLLBOT_KEY_DIR, by default under HOME: both
 * point into a temp folder, for this process and the bots it starts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { dropAllTestDatabases } from './helpers/database.ts';

const home = mkdtempSync(join(tmpdir(), 'enrollbot-home-'));
process.env.HOME = home;
process.env.ENROLLBOT_KEY_DIR = join(home, 'keys');

afterAll(() => dropAllTestDatabases());

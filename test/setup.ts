/** Runs before every test file: PostgreSQL test databases never outlive their file. */
import { afterAll } from 'vitest';
import { dropAllTestDatabases } from './helpers/database.ts';

afterAll(() => dropAllTestDatabases());

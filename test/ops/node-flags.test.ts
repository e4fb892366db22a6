/**
 * The node flags every process of the app runs with: read from node's own
 * flags and NODE_OPTIONS as node reads them, and passed by each npm script
 * that starts the app.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS, v8PoolSize } from '../../src/ops/node-flags.ts';

describe('v8PoolSize', () => {
  it('reads the pool size from a flag with = or with a separate value', () => {
    expect(v8PoolSize(['--v8-pool-size=1'], undefined)).toBe(1);
    expect(v8PoolSize(['--v8-pool-size', '3', '--import', 'tsx'], undefined)).toBe(3);
  });

  it('reads NODE_OPTIONS, and a flag on the command line wins over it, as in node', () => {
    expect(v8PoolSize([], '--max-old-space-size=512 --v8-pool-size=2')).toBe(2);
    expect(v8PoolSize(['--v8-pool-size=1'], '--v8-pool-size=4')).toBe(1);
  });

  it('is null when node runs with its default pool, or with a value node would not take', () => {
    expect(v8PoolSize(['--import', 'tsx'], undefined)).toBeNull();
    expect(v8PoolSize([], '')).toBeNull();
    expect(v8PoolSize(['--v8-pool-size=many'], undefined)).toBeNull();
    expect(v8PoolSize(['--v8-pool-size'], undefined)).toBeNull();
  });

  it('reads the app flags as one background thread', () => {
    expect(v8PoolSize(APP_NODE_FLAGS, undefined)).toBe(1);
  });
});

describe('the npm scripts', () => {
  const scripts = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  for (const [name, entry] of [
    ['start', 'src/main.ts'],
    ['cli', 'src/cli.ts'],
    ['bench', 'bench/run.ts'],
  ] as const) {
    it(`${name} runs ${entry} with the app's node flags`, () => {
      expect(scripts[name]).toBe(['tsx', ...APP_NODE_FLAGS, entry].join(' '));
    });
  }
});

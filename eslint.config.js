// ESLint flat config. The one house rule that matters most: platform SDKs
// (@slack/bolt, discord.js) are imported only by their adapters, so commands
// and the domain stay platform-free.
import tseslint from 'typescript-eslint';

const platformSdks = {
  paths: [
    { name: '@slack/bolt', message: 'Only src/platforms/slack may import @slack/bolt: commands return neutral replies.' },
    { name: 'discord.js', message: 'Only src/platforms/discord may import discord.js: commands return neutral replies.' },
  ],
  patterns: [{ group: ['@slack/*', '@discordjs/*'], message: 'Platform SDKs belong in src/platforms/<platform>.' }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'out/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', platformSdks],
    },
  },
  {
    // Queries live in src/store (the layers themselves are checked by
    // dependency-cruiser, see .dependency-cruiser.cjs). Left to move there:
    // the one-off maintenance passes of src/setup and the import's pragmas.
    files: ['src/**', 'commands/**'],
    ignores: ['src/store/**', 'src/db/**', 'src/setup/protect-at-rest.ts', 'src/setup/pii-key.ts', 'src/setup/baseline.ts', 'src/import/cli-import.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression > MemberExpression.callee[property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]",
          message: 'Queries belong in src/store: add a typed function there and call it.',
        },
      ],
      'no-restricted-imports': [
        'error',
        { ...platformSdks, paths: [...platformSdks.paths, { name: 'kysely', importNames: ['sql'], message: 'Raw SQL belongs in src/store or src/db.' }] },
      ],
    },
  },
  {
    files: ['src/platforms/slack/**', 'test/platforms/slack/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [platformSdks.paths[1]], patterns: [{ group: ['@discordjs/*'] }] }] },
  },
  {
    files: ['src/platforms/discord/**', 'test/platforms/discord/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [platformSdks.paths[0]], patterns: [{ group: ['@slack/*'] }] }] },
  },
  {
    // Migrations are frozen in time: they never import application code.
    files: ['migrations/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-imports': ['error', { patterns: [{ group: ['../src/*', '../commands/*'], message: 'Migrations never import app code.' }] }],
    },
  },
);

/**
 * The layers, enforced by `npm run lint` (dependency-cruiser: it sees the
 * whole import graph, type-only imports included, so it also finds cycles,
 * which a per-file ESLint rule cannot do cheaply).
 *
 *   entry (main, cli, app, background, config)
 *     → platforms (src/platforms: Slack, Discord, console)
 *       → framework (src/core: parsing, routing, permissions, replies)
 *         → commands (commands/)
 *           → services (src/services, and the work they call on: board,
 *             lapse, import, ops, outbox, setup, demo)
 *             → store (src/store: every query)
 *               → domain (pure rules) and db (schema, connection)
 *
 * A layer imports only from layers below it. Shared by all, and importing
 * only downward themselves: the framework's kernel (the neutral reply, the
 * refusal and error types, the logger, the platform port) and i18n.
 * Nothing outside src/platforms reaches a platform: the outbox and the lapse
 * reminders talk to the port the framework defines (src/core/platform-port.ts).
 */
const kernel = '^src/core/(reply|refusal|errors|logger|redact-reply|tokens|platform-port)[.]ts$';
// config.ts is an entry module; below the entry its types may be named (see `config-types-only`).
const entry = '^src/(main|cli|app|background)[.]ts$';
const platforms = '^src/platforms/';
const framework = '^src/core/';
const commands = '^commands/';
const services = '^src/(services|board|lapse|import|ops|outbox|setup|demo|render)/';
const store = '^src/store/';
const db = '^src/db/';
const domain = '^src/domain/';
const i18n = '^src/i18n/';

/** `from` may not import `to`, except the kernel. */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to, pathNot: kernel },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'Import cycles make load order matter and layers meaningless.', severity: 'error', from: {}, to: { circular: true } },
    forbid('platforms-not-above-entry', 'Platforms are started by the entry points, never the other way round.', platforms, entry),
    forbid('only-platforms-reach-platforms', 'Outside src/platforms, talk to a platform through the port in src/core/platform-port.ts.', `^(src/(core|services|board|lapse|import|ops|outbox|setup|demo|render|store|db|domain|i18n)/|commands/|migrations/)`, platforms),
    forbid('framework-below-platforms', 'The framework knows no entry point and no platform.', framework, `${entry}|${platforms}`),
    forbid('commands-below-framework', 'Commands return neutral replies and use services: no platform, no entry, no store or database handle.', commands, `${entry}|${platforms}|${store}|^src/db/(?!schema[.]ts$)`),
    forbid('services-below-commands', 'Services never reach up to commands, the framework (beyond its kernel), platforms or entry points.', services, `${entry}|${platforms}|${framework}|${commands}`),
    forbid('store-below-services', 'The store is queries only: it knows nothing above it.', store, `${entry}|${platforms}|${framework}|${commands}|${services}`),
    forbid('db-at-the-bottom', 'The database layer knows only the domain.', db, `${entry}|${platforms}|${framework}|${commands}|${services}|${store}|${i18n}`),
    forbid('domain-is-pure', 'The domain imports nothing from db, store, services or platforms.', domain, `${entry}|${platforms}|${framework}|${commands}|${services}|${store}|${db}|${i18n}`),
    forbid('i18n-is-words', 'The catalogues import only the domain (and the kernel).', i18n, `${entry}|${platforms}|${framework}|${commands}|${services}|${store}|${db}`),
    {
      name: 'config-types-only',
      comment: 'Configuration is read at the entry and handed down; below it only its types are named.',
      severity: 'error',
      from: { pathNot: '^src/(main|cli|app|background|config)[.]ts$' },
      to: { path: '^src/config[.]ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'migrations-are-frozen',
      comment: 'Migrations never import app code: they must run the same in a year.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '^(src|commands)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|out|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

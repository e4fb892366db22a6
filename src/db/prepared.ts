/**
 * Query shapes compiled once, for the hot path of `pay`. Kysely builds and
 * compiles a query from scratch on every call, which on a fast disk costs
 * more than running it. A prepared shape is still written as a typed Kysely
 * query; it is compiled once with placeholder markers, and each call binds its
 * own values into the compiled parameter list (the SQL text, and so the
 * driver's prepared statement, is the same every time).
 */
import { createQueryId, type Compilable, type CompiledQuery, type Kysely, type QueryResult, type RootOperationNode } from 'kysely';

const SLOT = Symbol('prepared-slot');

/**
 * Runs compiled SQL at once on a SQLite connection, registered per adapter by
 * database.ts. better-sqlite3 answers synchronously; inside a transaction
 * (which holds the one connection) a prepared shape skips Kysely's
 * connection provider and its promise chain, which on the `pay` path cost
 * more than the five statements themselves.
 */
export const directRunners = new WeakMap<object, (sql: string, parameters: readonly unknown[]) => QueryResult<unknown>>();

/**
 * The SQL of every prepared shape, each with a statement name: PostgreSQL
 * parses and plans a named statement once per connection (the pool names
 * these, see database.ts), where an unnamed one is planned on every call.
 */
export const preparedStatementNames = new Map<string, string>();

interface Slot {
  readonly [SLOT]: string;
}

function isSlot(v: unknown): v is Slot {
  return typeof v === 'object' && v !== null && SLOT in v;
}

interface Shape {
  sql: string;
  query: RootOperationNode;
  /** Per parameter: the name of the call's value, or a constant of the shape. */
  params: ({ name: string } | { value: unknown })[];
}

/**
 * Declares a prepared query. `build` must be a pure description: it may put
 * the params anywhere a value goes, but must not compute with them or branch
 * on them. The compiled form is kept per dialect (SQLite and PostgreSQL
 * compile differently).
 */
export function prepared<DB, P extends Record<string, unknown>, R>(
  build: (db: Kysely<DB>, p: P) => Compilable<R>,
): (db: Kysely<DB>, params: P) => Promise<QueryResult<R>> {
  const shapes = new WeakMap<object, Shape>();
  return (db, params) => {
    const adapter = db.getExecutor().adapter;
    let shape = shapes.get(adapter);
    if (!shape) {
      const slots = new Proxy(params, {
        get: (target, name) => (typeof name === 'string' ? ({ [SLOT]: name } satisfies Slot) : Reflect.get(target, name)),
      });
      const compiled = build(db, slots).compile();
      shape = {
        sql: compiled.sql,
        query: compiled.query,
        params: compiled.parameters.map((v) => (isSlot(v) ? { name: v[SLOT] } : { value: v })),
      };
      shapes.set(adapter, shape);
      if (!preparedStatementNames.has(shape.sql)) preparedStatementNames.set(shape.sql, `enrollbot_${preparedStatementNames.size + 1}`);
    }
    const parameters = shape.params.map((p) => ('name' in p ? params[p.name] : p.value));
    if (db.isTransaction) {
      const direct = directRunners.get(adapter);
      // A plugin (none in the app) would transform what Kysely runs: only the plain path goes direct.
      if (direct && db.getExecutor().plugins.length === 0) {
        try {
          return Promise.resolve(direct(shape.sql, parameters) as QueryResult<R>);
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    const query: CompiledQuery<R> = { sql: shape.sql, query: shape.query, queryId: createQueryId(), parameters };
    return db.executeQuery(query);
  };
}

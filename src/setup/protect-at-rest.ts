/**
 * Bringing a database written by an older version up to the rules for
 * personal data at rest, once, at the first start that has the key: roster
 * names and phones sealed (their clear columns emptied), and IDs and phones
 * that were stored as typed masked in notes, reasons, follow-up notes,
 * audit details, stored replies and queued posts. On SQLite the file is then
 * rewritten (VACUUM), so the clear text does not linger in its free pages.
 * A database that needs none of it costs one settings read.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../core/logger.ts';
import type { Reply } from '../core/reply.ts';
import { redactReply } from '../core/redact-reply.ts';
import { maskName, maskPhone, redact, redactFields } from '../domain/mask.ts';
import { contactText, type PiiSealer } from '../domain/pii-seal.ts';
import { getSetting, putSetting } from '../store/settings.ts';

/** The setting that says the sweep is done. */
export const AT_REST_DONE = 'pii_at_rest_v1';

const PAGE = 1_000;

/** Pages through a table by id, updating each row `fix` returns changes for; returns how many changed. */
async function sweep<R extends { id: number }>(
  db: Kysely<Database>,
  page: (after: number) => Promise<R[]>,
  fix: (row: R) => Record<string, unknown> | null,
  update: (tx: Kysely<Database>, id: number, changes: Record<string, unknown>) => Promise<unknown>,
): Promise<number> {
  let after = 0;
  let changed = 0;
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return changed;
    const changes = rows.map((r) => [r.id, fix(r)] as const).filter((c): c is readonly [number, Record<string, unknown>] => c[1] !== null);
    if (changes.length) {
      await db.transaction().execute(async (tx) => {
        for (const [id, c] of changes) await update(tx, id, c);
      });
      changed += changes.length;
    }
    after = rows[rows.length - 1]!.id;
  }
}

/** A text's redaction, or null when it needs none. */
const masked = (text: string | null): string | null => (text !== null && redact(text) !== text ? redact(text) : null);

function maskedJson(text: string, how: (value: unknown) => unknown): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return masked(text);
  }
  const out = JSON.stringify(how(value));
  return out !== JSON.stringify(value) ? out : null;
}

/**
 * Seals and masks what an older version stored in clear; returns how many
 * rows changed (0 once done). Idempotent: a run cut short is finished by the next.
 */
export async function protectStoredData(db: Kysely<Database>, input: { sealer: PiiSealer; sqlite: boolean; log: Logger }): Promise<number> {
  if ((await getSetting(db, AT_REST_DONE)) === '1') return 0;
  const { sealer } = input;
  let changed = 0;

  changed += await sweep(
    db,
    (after) =>
      db
        .selectFrom('lapse_person')
        .select(['id', 'id_hash', 'name', 'phone', 'employer', 'cadre_text'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute(),
    (p) => {
      const c: Record<string, unknown> = {};
      if (p.name !== null || p.phone !== null) {
        const name = p.name ?? '';
        c.contact = sealer.seal(contactText(name, p.phone), 'contact', p.id_hash);
        c.name_masked = name ? maskName(name) : null;
        c.phone_masked = p.phone ? maskPhone(p.phone) : null;
        c.name = null;
        c.phone = null;
      }
      const employer = masked(p.employer);
      if (employer !== null) c.employer = employer;
      const cadre = masked(p.cadre_text);
      if (cadre !== null) c.cadre_text = cadre;
      return Object.keys(c).length ? c : null;
    },
    (tx, id, c) => tx.updateTable('lapse_person').set(c).where('id', '=', id).execute(),
  );

  changed += await sweep(
    db,
    (after) =>
      db
        .selectFrom('ledger_entry')
        .select(['id', 'note', 'reason'])
        .where('id', '>', after)
        .where((eb) => eb.or([eb('note', 'is not', null), eb('reason', 'is not', null)]))
        .orderBy('id')
        .limit(PAGE)
        .execute(),
    (e) => {
      const note = masked(e.note);
      const reason = masked(e.reason);
      if (note === null && reason === null) return null;
      return { ...(note !== null ? { note } : {}), ...(reason !== null ? { reason } : {}) };
    },
    (tx, id, c) => tx.updateTable('ledger_entry').set(c).where('id', '=', id).execute(),
  );

  changed += await sweep(
    db,
    (after) => db.selectFrom('lapse_followup').select(['id', 'note']).where('id', '>', after).where('note', 'is not', null).orderBy('id').limit(PAGE).execute(),
    (f) => {
      const note = masked(f.note);
      return note === null ? null : { note };
    },
    (tx, id, c) => tx.updateTable('lapse_followup').set(c).where('id', '=', id).execute(),
  );

  changed += await sweep(
    db,
    (after) => db.selectFrom('audit_log').select(['id', 'detail']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
    (a) => {
      const detail = maskedJson(a.detail, (v) => redactFields(v));
      return detail === null ? null : { detail };
    },
    (tx, id, c) => tx.updateTable('audit_log').set(c).where('id', '=', id).execute(),
  );

  changed += await sweep(
    db,
    (after) => db.selectFrom('outbox').select(['id', 'reply', 'last_error']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
    (o) => {
      const reply = maskedJson(o.reply, (v) => redactReply(v as Reply));
      const error = masked(o.last_error);
      if (reply === null && error === null) return null;
      return { ...(reply !== null ? { reply } : {}), ...(error !== null ? { last_error: error } : {}) };
    },
    (tx, id, c) => tx.updateTable('outbox').set(c).where('id', '=', id).execute(),
  );

  changed += await sweep(
    db,
    (after) => db.selectFrom('campaign').select(['id', 'name']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
    (c) => {
      const name = masked(c.name);
      return name === null ? null : { name };
    },
    (tx, id, c) => tx.updateTable('campaign').set(c).where('id', '=', id).execute(),
  );

  // Stored replies are keyed by text: paged by key.
  let afterKey = '';
  for (;;) {
    const rows = await db.selectFrom('inbound_message').select(['source_key', 'reply']).where('source_key', '>', afterKey).orderBy('source_key').limit(PAGE).execute();
    if (rows.length === 0) break;
    const fixes = rows.map((r) => [r.source_key, maskedJson(r.reply, (v) => redactReply(v as Reply))] as const).filter((f): f is readonly [string, string] => f[1] !== null);
    if (fixes.length) {
      await db.transaction().execute(async (tx) => {
        for (const [key, reply] of fixes) await tx.updateTable('inbound_message').set({ reply }).where('source_key', '=', key).execute();
      });
      changed += fixes.length;
    }
    afterKey = rows[rows.length - 1]!.source_key;
  }

  if (changed > 0 && input.sqlite) {
    // Updated rows leave their old text in free pages and the WAL: rewrite the file without them.
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    await sql`vacuum`.execute(db);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  }
  await putSetting(db, AT_REST_DONE, '1');
  if (changed > 0) input.log.warn('personal data an older version stored in clear is now sealed or masked', { rows: changed });
  return changed;
}

/**
 * The outbox rows that still hold their text, in delivery order: the hourly
 * retention sweep clears the text of posts delivered before the dedupe
 * window, and reads through this index only the rows it has left to clear
 * (a cleared row leaves the index), not a whole season's delivered posts
 * at every start. A partial index: SQLite and PostgreSQL both have them.
 * Frozen in time: never import application code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('outbox_text_kept')
    .on('outbox')
    .columns(['delivered_at', 'id'])
    .where(sql.ref('reply'), '<>', '')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_text_kept').execute();
}

/**
 * The daily leaderboard: every published board post with its standings (so a
 * rank change is computed against exactly what was posted, and a post can be
 * reproduced), job claims so that a scheduled run happens once per (job, area,
 * business date) across restarts and replicas, and a claim lease on outbox
 * rows so that a message is sent by one worker at a time.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('board_post')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    // 第N期: numbered per campaign and area, 1, 2, 3…
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('business_date', 'text', (c) => c.notNull())
    // The scheduled time of day (`18:00`) or, for `board post`, the minute it was asked.
    .addColumn('slot', 'text', (c) => c.notNull())
    // 'scheduled' | 'manual'
    .addColumn('kind', 'text', (c) => c.notNull())
    // 1 when a scheduled post went out after its time (the bot was down).
    .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
    // The instant the figures were read: the "截至" of the title.
    .addColumn('as_of', 'text', (c) => c.notNull())
    // The area's own total at that instant.
    .addColumn('enrolled', 'bigint', (c) => c.notNull())
    .addColumn('target', 'bigint', (c) => c.notNull())
    .addColumn('today', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('board_post_seq').on('board_post').columns(['campaign_id', 'area_id', 'seq']).unique().execute();
  await db.schema
    .createIndex('board_post_slot')
    .on('board_post')
    .columns(['campaign_id', 'area_id', 'business_date', 'kind', 'slot'])
    .unique()
    .execute();

  await db.schema
    .createTable('board_standing')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('board_post.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('enrolled', 'bigint', (c) => c.notNull())
    .addColumn('target', 'bigint', (c) => c.notNull())
    .addColumn('today', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('board_standing_pk', ['post_id', 'area_id'])
    .execute();

  await db.schema
    .createTable('job_claim')
    // `board@18:00`, `board-post@15:32`, later `lapse-scan`…
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    .addColumn('business_date', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    // Which process claimed it, and until when the claim holds if not done:
    // a later runner may take over a claim whose holder died.
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('job_claim_pk', ['job', 'area_id', 'business_date'])
    .execute();

  // The delivery worker claims a row before sending it; another worker leaves it
  // alone until the claim expires.
  await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('claimed_until', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('claimed_until').execute();
  await db.schema.alterTable('outbox').dropColumn('claimed_by').execute();
  await db.schema.dropTable('job_claim').execute();
  await db.schema.dropTable('board_standing').execute();
  await db.schema.dropTable('board_post').execute();
}

/**
 * Group robots (WeCom, DingTalk, Feishu): push-only webhooks that get what a
 * leaders' or township channel gets. The webhook URL carries the robot's key
 * and is stored sealed (AES-GCM, key outside the database), with a masked
 * hint for lists and a keyed digest to find duplicates. Frozen in time:
 * never import application code here.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './lib.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('robot')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    // wecom | dingtalk | feishu
    .addColumn('app', 'text', (c) => c.notNull())
    .addColumn('url_sealed', 'text', (c) => c.notNull())
    .addColumn('url_digest', 'text', (c) => c.notNull().unique())
    // `qyapi.weixin.qq.com … key=ab12…`: safe to show.
    .addColumn('url_hint', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text')
    // What it gets: a leaders' channel's posts, or a township channel's.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull().references('area.id'))
    // ok | failing (the app said the robot is wrong: nothing is sent until it is fixed)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('ok'))
    .addColumn('problem', 'text')
    .addColumn('failing_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .execute();
  await db.schema.createIndex('robot_place').on('robot').columns(['kind', 'area_id']).execute();
  // A chart sent to many robots is stored once (base64 PNG), not in every robot's outbox row.
  await db.schema
    .createTable('robot_image')
    .addColumn('id', 'integer', (c) => idColumn(db, c))
    .addColumn('digest', 'text', (c) => c.notNull().unique())
    // The chart's SVG, drawn into a PNG by the sender when it goes out.
    .addColumn('svg', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('robot_image').execute();
  await db.schema.dropTable('robot').execute();
}

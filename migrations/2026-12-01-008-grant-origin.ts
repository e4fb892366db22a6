/**
 * Where each role grant came from, so that access can be taken back
 * correctly: an admin listed in ENROLLBOT_ADMINS ('config') loses the role
 * at the next start once removed from that list, while a role granted in
 * chat ('chat') or to the local console's user ('console') is kept until it
 * is revoked. Frozen in time: never import application code here.
 *
 * Grants made before this migration carry no origin. The audit log tells
 * them apart: every chat grant wrote a `role.grant` row naming the member,
 * the bootstrap grants wrote none.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('role_grant')
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('chat'))
    .execute();

  const admins = await db.selectFrom('role_grant').select(['id', 'member_id']).where('role', '=', 'admin').execute();
  for (const grant of admins) {
    const consoleUser = await db
      .selectFrom('identity')
      .select('member_id')
      .where('member_id', '=', grant.member_id)
      .where('platform', '=', 'console')
      .where('external_id', '=', 'admin')
      .executeTakeFirst();
    let origin = 'console';
    if (!consoleUser) {
      // The audit detail is JSON written as {"member":<id>,...,"role":"admin",...}.
      const granted = await db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'role.grant')
        .where('detail', 'like', `%"member":${Number(grant.member_id)},%`)
        .where('detail', 'like', '%"role":"admin"%')
        .executeTakeFirst();
      origin = granted ? 'chat' : 'config';
    }
    await db.updateTable('role_grant').set({ origin }).where('id', '=', grant.id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('role_grant').dropColumn('origin').execute();
}

/**
 * Each area's total carries its newest business day and that day's people
 * (`day`, `day_people`), kept in the same write as the total. A board reads
 * "today" from the row it reads the total from: one index probe a unit
 * instead of two (area_day stays, the history of every day). Rows written
 * before are filled from area_day: their newest day and its people.
 * Frozen in time: never import application code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('area_total').addColumn('day', 'text').execute();
  await db.schema.alterTable('area_total').addColumn('day_people', 'bigint').execute();
  await sql`update area_total set day = (
      select max(d.business_date) from area_day d where d.campaign_id = area_total.campaign_id and d.area_id = area_total.area_id
    )`.execute(db);
  await sql`update area_total set day_people = (
      select d.people from area_day d where d.campaign_id = area_total.campaign_id and d.area_id = area_total.area_id and d.business_date = area_total.day
    ) where day is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('area_total').dropColumn('day_people').execute();
  await db.schema.alterTable('area_total').dropColumn('day').execute();
}

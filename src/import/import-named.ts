/**
 * `import special <file>` and `import unpaid <file>`: a campaign's named
 * lists as the insurance system exports them. The special groups (特困、低保、
 * 脱贫人口、监测对象…) with their paid status, and the named unpaid residents
 * each township works person by person (包户到人). A file covers the
 * townships it names: who it no longer names there has left the list (paid,
 * for the unpaid list). The unpaid become cases for their cadre and township.
 */
import type { Kysely } from 'kysely';
import type { Database, NamedList } from '../db/schema.ts';
import { contactText } from '../domain/pii-seal.ts';
import { redact } from '../domain/mask.ts';
import { findCadre, townshipsByName } from '../store/lapse-people.ts';
import { settleNamedList, upsertNamed, type NamedRow } from '../store/named-people.ts';
import { NAMED_ROW_WIDTH } from './named-check.ts';
import type { ImportReport } from './report.ts';
import { runImport, type ImportOptions } from './run-import.ts';

export async function importNamed(list: NamedList, path: string, options: ImportOptions & { campaignId: number }): Promise<ImportReport> {
  const townships = await townshipsByName(options.db);
  const cadres = new Map<string, number | null>();
  const areaIds = new Set<number>();
  let settled = { opened: 0, closed: 0 };
  const report = await runImport(
    path,
    { kind: list, context: { list, today: options.today, townships: [...townships] } },
    {
      async write(db: Kysely<Database>, values: unknown[], rows: number) {
        const out: NamedRow[] = [];
        const items: { value: string; person: string }[] = [];
        const hashes: string[] = [];
        for (let r = 0, i = 0; r < rows; r++, i += NAMED_ROW_WIDTH) {
          hashes.push(options.hasher.hashId(values[i] as string));
          items.push({ value: contactText(values[i + 2] as string, values[i + 3] as string | null), person: hashes[r]! });
        }
        const sealed = options.sealer.sealMany(items, 'contact');
        for (let r = 0, i = 0; r < rows; r++, i += NAMED_ROW_WIDTH) {
          const text = values[i + 9] as string | null;
          let member: number | null = null;
          if (text) {
            if (!cadres.has(text)) cadres.set(text, await findCadre(db, text));
            member = cadres.get(text)!;
          }
          const areaId = values[i + 6] as number;
          areaIds.add(areaId);
          out.push({
            idHash: hashes[r]!,
            idMasked: values[i + 1] as string,
            contact: sealed[r]!,
            nameMasked: values[i + 4] as string,
            phoneMasked: values[i + 5] as string | null,
            areaId,
            village: values[i + 7] as string | null,
            category: values[i + 8] as string | null,
            cadreMemberId: member,
            // Matched as written, kept masked (a phone typed as the cadre is).
            cadreText: text ? redact(text) : null,
            paid: values[i + 10] as boolean | null,
          });
        }
        // One statement per kind of status: a row with a status updates it, one without keeps it.
        let written = 0;
        for (const paidSaid of [true, false]) {
          const part = out.filter((o) => (o.paid !== null) === paidSaid);
          for (let at = 0; at < part.length; at += 200) {
            written += await upsertNamed(db, { list, campaignId: options.campaignId, rows: part.slice(at, at + 200), now: options.now });
          }
        }
        return written;
      },
      async finish(db: Kysely<Database>) {
        settled = await settleNamedList(db, { list, campaignId: options.campaignId, areaIds: [...areaIds], now: options.now });
        return settled.closed;
      },
    },
    options,
  );
  return report.committed ? { ...report, named: settled } : report;
}

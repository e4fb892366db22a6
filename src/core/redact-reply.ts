/** The last guard on every outgoing message: no unmasked ID or phone number in any text of a reply. */
import { redact } from '../domain/mask.ts';
import type { Reply } from './reply.ts';

/** A copy of the reply with every text field redacted (image bytes untouched). */
export function redactReply(reply: Reply): Reply {
  const out: Reply = { ...reply, text: redact(reply.text) };
  if (reply.title !== undefined) out.title = redact(reply.title);
  if (reply.footer !== undefined) out.footer = redact(reply.footer);
  if (reply.table) {
    // Its other fields (the columns a phone shows, the rows to call out) hold no text: kept as they are.
    out.table = {
      ...reply.table,
      columns: reply.table.columns.map((c) => ({ ...c, header: redact(c.header) })),
      rows: reply.table.rows.map((r) => r.map((cell) => redact(cell))),
    };
  }
  if (reply.actions) out.actions = reply.actions.map((a) => ({ ...a, label: redact(a.label), command: redact(a.command) }));
  if (reply.image) out.image = { ...reply.image, alt: redact(reply.image.alt) };
  return out;
}

/** A group robot's short reference, as admins write it: `R12`. */

/** `R12`: how a robot is shown and typed. */
export function robotRef(id: number): string {
  return `R${id}`;
}

/** The id in `R12` (or `r12`, `12`), or null. */
export function parseRobotRef(token: string): number | null {
  const m = /^[Rr]?(\d{1,9})$/.exec(token.trim());
  return m ? Number(m[1]) : null;
}

/** Asking a running server for `/healthz` over loopback, as a container probe would. */
import type { HealthReport } from '../../src/ops/health.ts';

export interface Probe {
  status: number;
  body: HealthReport;
}

/** `GET /healthz` on a loopback port. */
export async function probe(port: number): Promise<Probe> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: (await res.json()) as HealthReport };
}

/** Probes until `test` passes (bounded); returns that probe, or throws with the last one seen. */
export async function probeUntil(port: number, test: (p: Probe) => boolean, timeoutMs = 10_000): Promise<Probe> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = await probe(port);
    if (test(p)) return p;
    if (Date.now() > until) throw new Error(`health never matched; last: ${p.status} ${JSON.stringify(p.body)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

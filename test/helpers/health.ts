/** Asking a running server for `/healthz` over loopback, as a container probe would. */
import type { HealthReport } from '../../src/ops/health.ts';
import { until } from './until.ts';

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
  let last: Probe | undefined;
  await until(
    async () => test((last = await probe(port))),
    () => `health matched; last: ${last ? `${last.status} ${JSON.stringify(last.body)}` : 'none'}`,
    timeoutMs,
  );
  return last!;
}

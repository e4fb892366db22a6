/**
 * The fake WeCom for bench/robots.ts, in its own process so that checking
 * 250 charts (base64, md5) does not share the sender's event loop. Reads
 * JSON lines on standard input: `{"scale":n,"tokens":[…]}` starts it (it
 * prints `{"port":…}`), `{"report":true}` prints what it accepted and
 * refused; it stops when its standard input ends.
 */
import { createInterface } from 'node:readline';
import { startFakeRobots, type FakeRobots } from '../test/robots/fake-robots.ts';
import { prng } from '../src/domain/prng.ts';

let fake: FakeRobots | undefined;
for await (const line of createInterface({ input: process.stdin })) {
  const msg = JSON.parse(line) as { scale?: number; tokens?: string[]; report?: boolean };
  if (msg.tokens) {
    fake = await startFakeRobots('wecom', { timeScale: msg.scale ?? 1, chaos: { share: 0.02, rand: prng(14) }, lean: true });
    for (const token of msg.tokens) fake.add({ token });
    process.stdout.write(`${JSON.stringify({ port: fake.port })}\n`);
  } else if (msg.report && fake) {
    // Each accepted message by robot and content digest: a message accepted twice shows twice.
    const accepted = fake.delivered.map((d) => `${d.token}:${d.body.digest as string}`);
    const overWindow = fake.refused.filter((r) => r.why === 'window').length;
    process.stdout.write(`${JSON.stringify({ accepted, refused: fake.refused.length, overWindow })}\n`);
  }
}
await fake?.close();
process.exit(0);

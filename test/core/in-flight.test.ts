/** The shutdown gate: refuses new messages once closed, and waits for those in flight. */
import { describe, expect, it } from 'vitest';
import { gateDispatcher } from '../../src/core/in-flight.ts';
import type { Dispatcher, InboundMessage } from '../../src/core/dispatcher.ts';
import type { Reply } from '../../src/core/reply.ts';

const message = (text: string): InboundMessage => ({
  platform: 'console',
  channelId: 'c',
  channelName: 'c',
  userId: 'u',
  userName: 'u',
  messageId: text,
  text,
  resolveUser: () => null,
});

describe('gateDispatcher', () => {
  it('finishes what is in flight, refuses what comes after close, and drains', async () => {
    const release: (() => void)[] = [];
    const inner: Dispatcher = {
      localeFor: () => 'en',
      handle: (m) => new Promise<Reply>((resolve) => release.push(() => resolve({ status: 'ok', text: `done ${m.text}` }))),
    };
    const gate = gateDispatcher(inner);
    await gate.drain(); // idle: resolves at once
    const first = gate.handle(message('a'));
    const second = gate.handle(message('b'));
    expect(gate.inFlight).toBe(2);
    gate.close();
    const late = await gate.handle(message('c'));
    expect(late).toMatchObject({ status: 'refused', text: expect.stringContaining('send it again') });
    let drained = false;
    const drain = gate.drain().then(() => (drained = true));
    release.shift()!();
    expect(await first).toMatchObject({ text: 'done a' });
    expect(drained).toBe(false);
    release.shift()!();
    expect(await second).toMatchObject({ text: 'done b' });
    await drain;
    expect(drained).toBe(true);
    expect(gate.inFlight).toBe(0);
  });
});

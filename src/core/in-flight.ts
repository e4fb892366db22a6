/**
 * Graceful shutdown of the one pipeline: once closed, new messages are turned
 * away with a polite "try again shortly" (nothing recorded, so a resend is
 * safe), while the messages already being handled run to their end; `drain`
 * resolves when the last one has.
 */
import type { Dispatcher } from './dispatcher.ts';
import { catalogue } from '../i18n/index.ts';

/** A dispatcher that can stop taking messages and wait for those it took. */
export interface GatedDispatcher extends Dispatcher {
  /** From now on, refuse new messages. */
  close(): void;
  /** Resolves once no message is being handled. */
  drain(): Promise<void>;
  /** How many messages are being handled now. */
  readonly inFlight: number;
}

export function gateDispatcher(inner: Dispatcher): GatedDispatcher {
  let open = true;
  let inFlight = 0;
  const idle: (() => void)[] = [];
  return {
    localeFor: inner.localeFor,
    async handle(message) {
      if (!open) return { status: 'refused', code: 'unavailable', text: catalogue(inner.localeFor(message)).shuttingDown() };
      inFlight++;
      try {
        return await inner.handle(message);
      } finally {
        if (--inFlight === 0) {
          for (const resolve of idle.splice(0)) resolve();
        }
      }
    },
    close() {
      open = false;
    },
    drain() {
      return inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve));
    },
    get inFlight() {
      return inFlight;
    },
  };
}

/**
 * Waiting for a condition in tests that drive real processes: looked at
 * every 20 ms, never a fixed sleep; on timeout the error says what was
 * awaited and where things stood.
 */
export async function until(test: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Resolves once `condition()` holds, checking after every turn of the event loop (and a short
 * yield, so a busy machine is not spun). It waits for what the test means, however long the
 * machine takes; the test's own timeout bounds it, and `what` names the condition in that failure.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, { pollMs = 10, limitMs = 25_000 } = {}): Promise<void> {
  const started = performance.now()
  while (!(await condition())) {
    if (performance.now() - started > limitMs) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`)
    await Bun.sleep(pollMs)
  }
}

import { test } from 'bun:test'

/**
 * What some tests need from the operating system, each null where this OS has it, else the reason
 * the test cannot run here. Tests use them through `skipIf`, so a skip always says why.
 */
const windows = process.platform === 'win32'

/** A signal that asks a process to stop cleanly. */
export const NO_SIGTERM = windows
  ? 'Windows has no SIGTERM: kill() ends the process at once (TerminateProcess), so a clean stop cannot be asked for from another process; the stop path itself is the same on every OS'
  : null

/** Renaming or deleting a file another process holds open. */
export const NO_RENAME_OPEN_FILE = windows ? 'Windows refuses to rename or delete a file another process holds open, so the database cannot be replaced under a running server there' : null

/**
 * `test`, or `test.skip` with the reason printed when `reason` is not null (bun itself prints only
 * "skip"), e.g. `skipIf(NO_SIGTERM)('stops cleanly on SIGTERM', …)`.
 */
export function skipIf(reason: string | null): typeof test {
  if (reason === null) return test
  return ((name: string, ...rest: unknown[]) => {
    console.warn(`skip on ${process.platform}: "${name}": ${reason}`)
    return (test.skip as (...args: unknown[]) => void)(name, ...rest)
  }) as unknown as typeof test
}

/**
 * Whether `pid` is another process that still runs (signal 0 only checks). Work rows store their
 * process id so that, at startup, work another live chasm process is doing can be told from work a
 * killed one abandoned. Our own pid counts as gone: at startup no work of ours exists yet, so such a
 * row was left by an earlier process that had the same id (containers restart at the same pid).
 */
export function isOtherLiveProcess(pid: number | null): boolean {
  if (pid === null || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as { code?: string }).code === 'EPERM'
  }
}

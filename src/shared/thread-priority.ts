import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

/**
 * Lowers the calling thread's CPU priority (a nice value, 0..19) so that on a busy machine the
 * scheduler lets the server's main thread, which answers requests, run first. Linux only: it names
 * the thread through `/proc/thread-self`; elsewhere a thread's priority cannot be set alone and
 * nothing changes.
 */
export function lowerThreadPriority(nice: number): void {
  if (process.platform !== 'linux') return
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice)
  } catch {
    // Not permitted or no /proc: the thread keeps the process's priority.
  }
}

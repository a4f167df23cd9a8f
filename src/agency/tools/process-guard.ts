import { dlopen, FFIType } from 'bun:ffi'

const PR_SET_DUMPABLE = 4

/**
 * Makes this process non-dumpable (Linux `prctl(PR_SET_DUMPABLE, 0)`): processes of the same user —
 * among them the commands the terminal tool runs — can then no longer read its initial environment
 * (`/proc/<pid>/environ`, where the API keys stay even after `process.env` was scrubbed), its memory
 * or attach a debugger; core dumps are off as well. Returns why it could not, or null when done.
 * Children get their own dumpable flag back at exec, so nothing they run is affected.
 */
export function refuseProcessInspection(platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== 'linux') return `not available on ${platform}`
  try {
    const libc = dlopen('libc.so.6', {
      prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
    })
    try {
      return libc.symbols.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) === 0 ? null : 'prctl(PR_SET_DUMPABLE) failed'
    } finally {
      libc.close()
    }
  } catch (error) {
    return `cannot call prctl: ${(error as Error).message}`
  }
}

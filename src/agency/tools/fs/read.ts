import { readSync } from 'node:fs'

/** Up to `length` bytes from the start of an open file (fewer if it is shorter). */
export function readUpTo(fd: number, length: number): Buffer {
  const buffer = Buffer.alloc(length)
  let filled = 0
  while (filled < length) {
    const read = readSync(fd, buffer, filled, length - filled, filled)
    if (read === 0) break
    filled += read
  }
  return buffer.subarray(0, filled)
}

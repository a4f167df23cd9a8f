import { createServer, type Server } from 'node:net'

/** What this OS lets a test create: FIFOs need mkfifo (not on Windows), symlinks need no privilege (not so on Windows), devices need root. */
export const CAN = {
  fifo: process.platform !== 'win32',
  symlink: process.platform !== 'win32',
  device: process.platform === 'linux' && process.getuid?.() === 0,
}

/** Why a test is skipped, printed once, so a skip is never silent. */
export function skipReason(feature: keyof typeof CAN): boolean {
  const reasons = { fifo: 'mkfifo is not available on Windows', symlink: 'creating symlinks needs privileges on Windows', device: 'mknod needs root on Linux' }
  if (!CAN[feature]) console.log(`skipped: ${reasons[feature]}`)
  return !CAN[feature]
}

export const mkfifo = (path: string) => {
  const made = Bun.spawnSync(['mkfifo', path])
  if (made.exitCode !== 0) throw new Error(`mkfifo failed: ${made.stderr.toString()}`)
}

/** A character device like /dev/null at `path` (root only). */
export const mknodNull = (path: string) => {
  const made = Bun.spawnSync(['mknod', path, 'c', '1', '3'])
  if (made.exitCode !== 0) throw new Error(`mknod failed: ${made.stderr.toString()}`)
}

/** A listening Unix socket at `path`, closed on dispose. */
export async function unixSocket(path: string): Promise<Server & Disposable> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(path, resolve))
  return Object.assign(server, { [Symbol.dispose]: () => void server.close() })
}


import { lstat } from 'node:fs/promises'

/** Paths whose own entry (not a link's target) passes `accept`, in order; missing ones are dropped. */
async function whereEntry(paths: string[], accept: (info: Awaited<ReturnType<typeof lstat>>) => boolean): Promise<string[]> {
  const found = await Promise.all(
    paths.map(async (path) => {
      const info = await lstat(path).catch(() => null)
      return info && accept(info) ? path : null
    }),
  )
  return [...new Set(found.filter((path): path is string => path !== null))]
}

/** The subset of `paths` that are regular files themselves: never a symbolic link, FIFO, socket or device. */
export const regularFiles = (paths: string[]) => whereEntry(paths, (info) => info.isFile())

/** The subset of `paths` that are directories themselves, not symbolic links to one. */
export const realDirectories = (paths: string[]) => whereEntry(paths, (info) => info.isDirectory())

import { watch as fsWatch, type FSWatcher } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** How a root is being watched: native file events, polling (events unavailable there), or not at all. */
export type WatchMode = 'events' | 'polling' | 'off'

/** What the root watcher reports. */
export interface RootEvents {
  /** A file or folder under `root` changed; `path` is null when the event did not say which. */
  changed(root: string, path: string | null): void
  /** `root` appeared, was replaced, or is polled and its time came: anything under it may have changed. */
  rescan(root: string): void
}

/** Watches a set of provider locations (folders recursively; files through their folder). */
export interface RootWatcher {
  /** Watches exactly these locations from now on (new ones are started, gone ones closed). */
  set(roots: readonly string[]): Promise<void>
  /** Finds roots deleted, replaced or recreated since last time and re-watches them (events stop with their folder). */
  check(): Promise<void>
  /** Polled roots whose interval passed get a `rescan`. */
  poll(now: number): void
  mode(): WatchMode
  count(): number
  close(): void
}

/** `fs.watch` as the watcher uses it; tests pass one that fails to exercise polling. */
export type WatchFunction = (path: string, options: { recursive: boolean }, listener: (event: string, name: string | null | undefined) => void) => FSWatcher

interface Watched {
  root: string
  /** Identity of what is watched (the folder, or a file root's folder): a new identity means the old watch is dead. */
  identity: string | null
  watcher: FSWatcher | null
  /** No events here (the watch could not be set up or died): `poll` rescans it instead. */
  polling: boolean
  polledAt: number
}

/** A SQLite file changes through its journal files as much as through itself. */
const SIDE_FILES = ['', '-wal', '-journal']

/**
 * Native recursive file events where the platform has them (Linux inotify, macOS FSEvents, Windows),
 * falling back to polling a root every `pollMs` where a watch cannot be set up or fails (network file
 * systems, exhausted inotify watches). A file root (a database) is watched through its folder,
 * filtered to the file and its journals.
 */
export function rootWatcher(events: RootEvents, options: { pollMs: number; watch?: WatchFunction }): RootWatcher {
  const watch: WatchFunction = options.watch ?? ((path, opts, listener) => fsWatch(path, { recursive: opts.recursive, persistent: false }, listener))
  const watched = new Map<string, Watched>()

  const identityOf = async (root: string): Promise<{ identity: string; file: boolean } | null> => {
    try {
      const info = await stat(root)
      const folder = info.isDirectory() ? info : await stat(dirname(root))
      return { identity: `${folder.dev}:${folder.ino}:${folder.birthtimeMs}`, file: !info.isDirectory() }
    } catch {
      return null
    }
  }

  const start = async (root: string, entry: Watched): Promise<void> => {
    const found = await identityOf(root)
    entry.identity = found?.identity ?? null
    entry.watcher?.close()
    entry.watcher = null
    entry.polling = false
    if (!found) return
    const folder = found.file ? dirname(root) : root
    const names = found.file ? new Set(SIDE_FILES.map((suffix) => basename(root) + suffix)) : null
    try {
      const watcher = watch(folder, { recursive: !found.file }, (_event, name) => {
        // No name (null, or undefined when the watched folder itself went away): anything may have changed.
        if (name == null) return events.changed(root, null)
        if (names && !names.has(name)) return
        events.changed(root, found.file ? root : join(folder, name))
      })
      watcher.on('error', () => {
        // The watch died (the system dropped it): polled from now on; `check` re-watches a replaced folder.
        watcher.close()
        if (entry.watcher !== watcher) return
        entry.watcher = null
        entry.polling = true
      })
      entry.watcher = watcher
    } catch {
      entry.polling = true
    }
  }

  return {
    async set(roots) {
      const wanted = new Set(roots)
      for (const [root, entry] of watched) {
        if (wanted.has(root)) continue
        entry.watcher?.close()
        watched.delete(root)
      }
      for (const root of wanted) {
        if (watched.has(root)) continue
        const entry: Watched = { root, identity: null, watcher: null, polling: false, polledAt: 0 }
        watched.set(root, entry)
        await start(root, entry)
      }
    },
    async check() {
      for (const [root, entry] of watched) {
        const found = await identityOf(root)
        const identity = found?.identity ?? null
        if (identity === entry.identity) continue
        await start(root, entry)
        if (identity !== null) events.rescan(root)
      }
    },
    poll(now) {
      for (const [root, entry] of watched) {
        if (!entry.polling || now - entry.polledAt < options.pollMs) continue
        entry.polledAt = now
        events.rescan(root)
      }
    },
    mode() {
      const entries = [...watched.values()].filter((entry) => entry.identity !== null)
      if (entries.length === 0) return 'off'
      return entries.some((entry) => entry.polling) ? 'polling' : 'events'
    },
    count: () => watched.size,
    close() {
      for (const entry of watched.values()) entry.watcher?.close()
      watched.clear()
    },
  }
}

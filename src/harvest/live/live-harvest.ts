import { basename } from 'node:path'
import type { ChasmDb } from '../../db'
import type { Logger } from '../../shared/log'
import { systemClock, type Clock } from '../../shared/time'
import { harvestChanges, type ChangedSessions, type HarvestHooks } from '../engine'
import type { Provider, ProviderContext, Source } from '../provider'
import { liveMessages, type LiveMessage } from './messages'
import { rootWatcher, type WatchFunction, type WatchMode } from './roots'

/** What `/api/health` says about live harvesting. */
export interface LiveState {
  /** `events`: native file events everywhere; `polling`: some locations are polled; `off`: nothing to watch. */
  mode: WatchMode
  /** Provider locations watched. */
  roots: number
  /** Live passes so far (each reads one provider's changed files). */
  passes: number
  lastPassAt: number | null
}

/** Keeps the database in step with the providers' files as they change. */
export interface LiveHarvest {
  state(): LiveState
  /** The sources a discovery found for a provider: changes to their files are read without discovering again. */
  learn(provider: Provider, sources: readonly Source[]): void
  /** Locates every provider's data again and watches it (after a scheduled harvest: new assistants, new folders). */
  relocate(): Promise<void>
  /** While a scheduled harvest runs, known files are still read live; discovery passes wait for its end. */
  hold(held: boolean): void
  stop(): Promise<void>
}

/** Delays of live passes: short for files known to change, longer for discovery (it lists whole folders). */
export interface LiveTiming {
  /** After a known file's first change, the pass that reads it (changes meanwhile are read together). */
  sourceDelayMs: number
  /** After an unknown path changed (a new file, a database), the provider's discovery pass. */
  providerDelayMs: number
  /** How often watched locations are checked for deletion or replacement (their events stop then). */
  checkMs: number
  /** How often a location without file events is rescanned. */
  pollMs: number
}

export const DEFAULT_LIVE_TIMING: LiveTiming = { sourceDelayMs: 100, providerDelayMs: 750, checkMs: 2000, pollMs: 5000 }

/** A provider's discovery passes are spaced this many times their own length apart (≤ 10 % of a core while its files keep changing). */
const DISCOVERY_SHARE = 10

/** Names worth a discovery pass when they change unknown: transcripts, databases, Markdown and YAML, folders (no extension). */
const RELEVANT = /(\.(jsonl?|db|vscdb|sqlite3?|md|ya?ml)(-wal|-journal)?|^[^.]+)$/i
const SIDE_FILE = /-(wal|journal)$/

interface Known {
  provider: Provider
  source: Source
}

/**
 * Watches every harvesting provider's locations and reads what changes: a known file (its source
 * fingerprinted by the file) is read alone, continuing from where the last read left off; anything
 * else (a new file, a database) runs that provider's discovery. Changes are coalesced: a burst of
 * writes to one file is read in a few passes, not one per write. Passes run one at a time.
 */
export function createLiveHarvest(options: {
  chasm: ChasmDb
  providers: readonly Provider[]
  context: ProviderContext
  hooks: HarvestHooks
  log: Logger
  publish: (messages: LiveMessage[]) => void
  clock?: Clock
  timing?: LiveTiming
  watch?: WatchFunction
}): LiveHarvest {
  const { chasm, context, log, publish } = options
  const clock = options.clock ?? systemClock
  const timing = options.timing ?? DEFAULT_LIVE_TIMING
  const providers = options.providers.filter((provider) => provider.kind === 'harvest')
  const known = new Map<string, Known[]>()
  const pathsOf = new Map<string, Set<string>>()
  const owners = new Map<string, Provider>()
  const dirtySources = new Map<string, Known>()
  /** Providers waiting for a discovery pass, with when it is due. */
  const dirtyProviders = new Map<Provider, number>()
  /** When each provider's last discovery pass ended and how long it took. */
  const lastPasses = new Map<Provider, { end: number; took: number }>()
  let sourcesSince: number | null = null
  let held = false
  let stopped = false
  let passes = 0
  let lastPassAt: number | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<void> | null = null

  const roots = rootWatcher(
    {
      changed(root, path) {
        const owner = owners.get(root)
        if (!owner) return
        const entries = path === null ? undefined : (known.get(path) ?? known.get(path.replace(SIDE_FILE, '')))
        if (entries && entries.every((entry) => entry.source.fingerprint === undefined && entry.source.path === path)) {
          for (const entry of entries) dirtySources.set(entry.source.key, entry)
          sourcesSince ??= clock()
        } else if (entries || path === null || RELEVANT.test(basename(path))) markProvider(owner)
        schedule()
      },
      rescan(root) {
        const owner = owners.get(root)
        if (owner) markProvider(owner)
        schedule()
      },
    },
    { pollMs: timing.pollMs, watch: options.watch },
  )

  const markProvider = (provider: Provider) => {
    if (dirtyProviders.has(provider)) return
    // A provider whose files keep changing (an editor saving its state) gets at most a share of a core.
    const last = lastPasses.get(provider)
    dirtyProviders.set(provider, Math.max(clock() + timing.providerDelayMs, last ? last.end + last.took * DISCOVERY_SHARE : 0))
  }

  const schedule = () => {
    if (stopped || running || timer) return
    const due = [...(sourcesSince === null ? [] : [sourcesSince + timing.sourceDelayMs]), ...(held ? [] : dirtyProviders.values())]
    if (due.length === 0) return
    timer = setTimeout(() => {
      timer = null
      running = pass().finally(() => {
        running = null
        schedule()
      })
    }, Math.max(0, Math.min(...due) - clock()))
  }

  const report = (changed: ChangedSessions) => {
    passes += 1
    lastPassAt = clock()
    const messages = liveMessages(chasm.sqlite, changed)
    if (messages.length > 0) publish(messages)
  }

  const pass = async () => {
    const now = clock()
    if (sourcesSince !== null && now >= sourcesSince + timing.sourceDelayMs) {
      const batch = [...dirtySources.values()]
      dirtySources.clear()
      sourcesSince = null
      const byProvider = Map.groupBy(batch, (entry) => entry.provider)
      for (const [provider, entries] of byProvider) {
        if (stopped) return
        report(await harvestChanges(chasm, provider, context, entries.map((entry) => entry.source), options.hooks))
      }
    }
    if (held) return
    for (const [provider, due] of dirtyProviders) {
      if (stopped) return
      if (due > now) continue
      dirtyProviders.delete(provider)
      const started = clock()
      report(await harvestChanges(chasm, provider, context, null, { ...options.hooks, onSources: (p, sources) => live.learn(p, sources) }))
      lastPasses.set(provider, { end: clock(), took: clock() - started })
    }
  }

  const checker = setInterval(() => {
    void roots.check().then(() => roots.poll(clock()))
  }, timing.checkMs)

  const live: LiveHarvest = {
    state: () => ({ mode: roots.mode(), roots: roots.count(), passes, lastPassAt }),
    learn(provider, sources) {
      for (const path of pathsOf.get(provider.id) ?? []) {
        const rest = (known.get(path) ?? []).filter((entry) => entry.provider !== provider)
        if (rest.length > 0) known.set(path, rest)
        else known.delete(path)
      }
      const paths = new Set<string>()
      for (const source of sources) {
        paths.add(source.path)
        known.set(source.path, [...(known.get(source.path) ?? []), { provider, source }])
      }
      pathsOf.set(provider.id, paths)
    },
    async relocate() {
      owners.clear()
      for (const provider of providers) {
        try {
          for (const root of await provider.locate(context)) owners.set(root, provider)
        } catch (error) {
          log.warn(`live harvest: cannot locate ${provider.id}: ${(error as Error).message}`)
        }
      }
      await roots.set([...owners.keys()])
    },
    hold(value) {
      held = value
      schedule()
    },
    async stop() {
      stopped = true
      clearInterval(checker)
      if (timer) clearTimeout(timer)
      roots.close()
      await running
    },
  }
  return live
}

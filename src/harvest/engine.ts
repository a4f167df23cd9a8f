import type { ChasmDb } from '../db'
import { systemClock, toIso, type Clock } from '../shared/time'
import { bulkIndexing } from './bulk-indexing'
import { cursorHolds } from './cursor'
import { fingerprintOf, isUnchanged } from './fingerprint'
import type { Provider, ProviderContext, Source } from './provider'
import { readSource, type SourceOutcome, type WrittenSession } from './source-reader'
import { harvestStore, INTERRUPTED, type HarvestStore, type SourceRecord } from './store'
import type { HarvestSummary, ProviderSummary } from './summary'

/** Progress after each source: which provider, how far through its sources. */
export interface HarvestProgress {
  provider: string
  done: number
  total: number
}

/** How a harvest shares the database and reports what it found. */
export interface HarvestHooks {
  clock?: Clock
  signal?: AbortSignal
  /** Resolves when the next write transaction may start (a server's own writes go first; see `db/write-gate.ts`). */
  beforeWrite?: () => Promise<void>
  /** Each provider's sources, once discovered (live harvest reads them later by path). */
  onSources?: (provider: Provider, sources: readonly Source[]) => void
}

export interface HarvestOptions extends HarvestHooks {
  /** Only these provider ids (default: every harvesting provider). */
  only?: string[]
  onProgress?: (progress: HarvestProgress) => void
}

/** Sessions one live pass wrote, with their provider: what live viewers are told about. */
export interface ChangedSessions {
  provider: string
  sessions: WrittenSession[]
  summary: ProviderSummary
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Harvests every provider into the database: discover sources, skip those whose fingerprint is
 * unchanged (unless they had problems last time), read changed ones and commit each source in one
 * transaction. Bad data is counted as problems, never fatal. Sources that vanished keep their sessions.
 */
export async function runHarvest(
  chasm: ChasmDb,
  providers: readonly Provider[],
  ctx: ProviderContext,
  options: HarvestOptions = {},
): Promise<HarvestSummary> {
  const clock = options.clock ?? systemClock
  const store = harvestStore(chasm.sqlite)
  const startedAt = clock()
  store.failAbandonedRuns(startedAt)
  const run = store.startRun(startedAt)
  const summaries: ProviderSummary[] = []
  const indexing = bulkIndexing(chasm.sqlite, options.beforeWrite)
  try {
    for (const provider of providers) {
      if (provider.kind !== 'harvest') continue
      if (options.only && !options.only.includes(provider.id)) continue
      if (options.signal?.aborted) break
      const { summary } = await harvestProvider(chasm, provider, ctx, store, options, null, indexing)
      summaries.push(summary)
    }
    // An aborted run (server shutdown) leaves the deferred rows for the next run to index.
    if (!options.signal?.aborted) await indexing.finish()
    const endedAt = clock()
    const summary = summarize(startedAt, endedAt, summaries)
    // Stopped early (shutdown, Ctrl-C): recorded as such; sources not reached are read next time.
    if (options.signal?.aborted) store.endRun(run, endedAt, 'failed', summary, INTERRUPTED)
    else store.endRun(run, endedAt, 'completed', summary, null)
    return summary
  } catch (error) {
    // What the providers before the failure did, in the same shape as a finished run's.
    const endedAt = clock()
    store.endRun(run, endedAt, 'failed', summarize(startedAt, endedAt, summaries), (error as Error).message)
    throw error
  }
}

/**
 * A live pass over one provider, outside any run: `sources` (files seen changing) are checked and
 * read if changed; without them the provider's discovery runs (a new file, a database source) and
 * every changed source is read. Returns the sessions written, for live viewers.
 */
export async function harvestChanges(
  chasm: ChasmDb,
  provider: Provider,
  ctx: ProviderContext,
  sources: readonly Source[] | null,
  hooks: HarvestHooks = {},
): Promise<ChangedSessions> {
  const { summary, written } = await harvestProvider(chasm, provider, ctx, harvestStore(chasm.sqlite), hooks, sources, null)
  return { provider: provider.id, sessions: written, summary }
}

const summarize = (startedAt: number, endedAt: number, providers: ProviderSummary[]): HarvestSummary => ({
  startedAt: toIso(startedAt)!,
  endedAt: toIso(endedAt)!,
  providers,
  problemCount: providers.reduce((n, s) => n + s.problems.length, 0),
})

async function harvestProvider(
  chasm: ChasmDb,
  provider: Provider,
  ctx: ProviderContext,
  store: HarvestStore,
  options: HarvestOptions,
  only: readonly Source[] | null,
  indexing: ReturnType<typeof bulkIndexing> | null,
): Promise<{ summary: ProviderSummary; written: WrittenSession[] }> {
  const clock = options.clock ?? systemClock
  const summary: ProviderSummary = {
    provider: provider.id,
    sources: 0,
    harvested: 0,
    skipped: 0,
    sessions: 0,
    messages: 0,
    workspaces: 0,
    gone: 0,
    problems: [],
  }
  const written: WrittenSession[] = []
  // A live pass over a few files looks up only their records.
  const known = only ? null : store.sources(provider.id)
  let sources: readonly Source[]
  if (only) sources = only
  else {
    const found: Source[] = []
    try {
      for await (const source of provider.discover(ctx)) found.push(source)
      options.onSources?.(provider, found)
    } catch (error) {
      summary.problems.push({ source: provider.id, message: `discovery failed: ${(error as Error).message}` })
    }
    sources = found
  }
  summary.sources = sources.length
  const seen = new Set<string>()
  const workspaces = new Set<string>()
  for (const [done, source] of sources.entries()) {
    if (options.signal?.aborted) break
    seen.add(source.key)
    const fingerprint = await fingerprintOf(source)
    const previous = known ? known.get(source.key) : (store.source(source.key) ?? undefined)
    // A file seen changing that is gone by now: the next discovery tells whether it vanished for good.
    if (only && fingerprint === null) continue
    if (isUnchanged(previous, fingerprint)) {
      summary.skipped += 1
    } else {
      const outcome = await readChanged(chasm, store, provider, source, ctx, mtimeOf(fingerprint), options)
      const { sessionIds, problems } = outcome
      store.recordSource(provider.id, source.path, { key: source.key, fingerprint: fingerprint ?? 'missing', sessionIds, problems }, clock(), outcome.cursor)
      summary.harvested += 1
      summary.sessions += sessionIds.length
      summary.messages += outcome.messages
      written.push(...outcome.written)
      indexing?.wrote(outcome.messages)
      for (const key of outcome.workspaces) workspaces.add(key)
      for (const message of [...problems, ...outcome.lasting]) summary.problems.push({ source: source.path, message })
      await indexing?.step()
    }
    options.onProgress?.({ provider: provider.id, done: done + 1, total: sources.length })
    if (done % 64 === 63) await yieldToEventLoop()
  }
  if (known && !options.signal?.aborted) {
    const vanished: SourceRecord[] = [...known.values()].filter((record) => !seen.has(record.key))
    if (vanished.length > 0) await options.beforeWrite?.()
    store.forgetSources(vanished)
    summary.gone = vanished.length
  }
  summary.workspaces = workspaces.size
  return { summary, written }
}

/** Reads a changed source: from where the last read left off when the provider and the file allow it, else whole. */
async function readChanged(
  chasm: ChasmDb,
  store: HarvestStore,
  provider: Provider,
  source: Source,
  ctx: ProviderContext,
  mtime: number | null,
  options: HarvestHooks,
): Promise<SourceOutcome> {
  const readOptions = { beforeWrite: options.beforeWrite }
  if (provider.resume) {
    const cursor = store.cursor(source.key)
    if (cursor && (await cursorHolds(source.path, cursor.point))) {
      const outcome = await readSource(chasm.sqlite, store, provider.id, source, provider.resume(source, ctx, cursor.point), mtime, cursor.engine, readOptions)
      if (!outcome.reread) return outcome
    }
  }
  return readSource(chasm.sqlite, store, provider.id, source, provider.read(source, ctx), mtime, null, readOptions)
}

const mtimeOf = (fingerprint: string | null): number | null => {
  const mtime = fingerprint?.split(':')[1]
  return mtime && /^\d+$/.test(mtime) ? Number(mtime) : null
}

import type { ChasmDb } from '../db'
import { systemClock, toIso, type Clock } from '../shared/time'
import { fingerprintOf, isUnchanged } from './fingerprint'
import type { Provider, ProviderContext, Source } from './provider'
import { bulkIndexing } from './bulk-indexing'
import { readSource } from './source-reader'
import { harvestStore, INTERRUPTED, type HarvestStore, type SourceRecord } from './store'
import type { HarvestSummary, ProviderSummary } from './summary'

/** Progress after each source: which provider, how far through its sources. */
export interface HarvestProgress {
  provider: string
  done: number
  total: number
}

export interface HarvestOptions {
  /** Only these provider ids (default: every harvesting provider). */
  only?: string[]
  onProgress?: (progress: HarvestProgress) => void
  clock?: Clock
  signal?: AbortSignal
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
  const indexing = bulkIndexing(chasm.sqlite)
  try {
    for (const provider of providers) {
      if (provider.kind !== 'harvest') continue
      if (options.only && !options.only.includes(provider.id)) continue
      if (options.signal?.aborted) break
      summaries.push(await harvestProvider(chasm, provider, ctx, store, clock, options, indexing))
    }
    // An aborted run (server shutdown) leaves a deferred index for the next run to rebuild.
    if (!options.signal?.aborted) indexing.finish()
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
  clock: Clock,
  options: HarvestOptions,
  indexing: ReturnType<typeof bulkIndexing>,
): Promise<ProviderSummary> {
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
  const known = store.sources(provider.id)
  const sources: Source[] = []
  try {
    for await (const source of provider.discover(ctx)) sources.push(source)
  } catch (error) {
    summary.problems.push({ source: provider.id, message: `discovery failed: ${(error as Error).message}` })
  }
  summary.sources = sources.length
  const seen = new Set<string>()
  const workspaces = new Set<string>()
  for (const [done, source] of sources.entries()) {
    if (options.signal?.aborted) break
    seen.add(source.key)
    const fingerprint = await fingerprintOf(source)
    const previous = known.get(source.key)
    if (isUnchanged(previous, fingerprint)) {
      summary.skipped += 1
    } else {
      const outcome = await readSource(chasm.sqlite, store, provider.id, source, provider.read(source, ctx), mtimeOf(fingerprint))
      const { sessionIds, problems } = outcome
      store.recordSource(provider.id, source.path, { key: source.key, fingerprint: fingerprint ?? 'missing', sessionIds, problems }, clock())
      summary.harvested += 1
      summary.sessions += sessionIds.length
      summary.messages += outcome.messages
      indexing.wrote(outcome.messages)
      for (const key of outcome.workspaces) workspaces.add(key)
      for (const message of [...problems, ...outcome.lasting]) summary.problems.push({ source: source.path, message })
    }
    options.onProgress?.({ provider: provider.id, done: done + 1, total: sources.length })
    if (done % 64 === 63) await yieldToEventLoop()
  }
  if (!options.signal?.aborted) {
    const vanished: SourceRecord[] = [...known.values()].filter((record) => !seen.has(record.key))
    store.forgetSources(vanished)
    summary.gone = vanished.length
  }
  summary.workspaces = workspaces.size
  return summary
}

const mtimeOf = (fingerprint: string | null): number | null => {
  const mtime = fingerprint?.split(':')[1]
  return mtime && /^\d+$/.test(mtime) ? Number(mtime) : null
}

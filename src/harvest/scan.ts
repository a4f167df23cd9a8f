import { Type, type Static } from '@sinclair/typebox'
import type { ChasmDb } from '../db'
import { detectProviders } from './detect'
import { fingerprintOf, isUnchanged } from './fingerprint'
import type { Provider, ProviderContext } from './provider'
import { harvestStore } from './store'

/** What a harvest would do for one provider, without reading any session. */
export const ScanEntry = Type.Object({
  provider: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('harvest'), Type.Literal('detect-only')]),
  detected: Type.Boolean(),
  paths: Type.Array(Type.String(), { description: 'where it looked and found data' }),
  sources: Type.Integer({ minimum: 0 }),
  new: Type.Integer({ minimum: 0, description: 'sources the database has never read' }),
  changed: Type.Integer({ minimum: 0, description: 'sources changed since they were read' }),
  unchanged: Type.Integer({ minimum: 0, description: 'sources a harvest would skip' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'why discovery failed, if it did' }),
})
export type ScanEntry = Static<typeof ScanEntry>

/** Detects every provider and compares its sources' fingerprints with the database (read-only). */
export async function scanHarvest(chasm: ChasmDb, providers: readonly Provider[], ctx: ProviderContext): Promise<ScanEntry[]> {
  const store = harvestStore(chasm.sqlite)
  const detections = await detectProviders(providers, ctx)
  const entries: ScanEntry[] = []
  for (const [i, provider] of providers.entries()) {
    const detection = detections[i]!
    const entry: ScanEntry = {
      provider: provider.id,
      name: provider.name,
      kind: provider.kind,
      detected: detection.detected,
      paths: detection.paths,
      sources: 0,
      new: 0,
      changed: 0,
      unchanged: 0,
      error: null,
    }
    if (provider.kind === 'harvest') {
      const known = store.sources(provider.id)
      try {
        for await (const source of provider.discover(ctx)) {
          entry.sources += 1
          const previous = known.get(source.key)
          if (!previous) entry.new += 1
          else if (isUnchanged(previous, await fingerprintOf(source))) entry.unchanged += 1
          else entry.changed += 1
        }
      } catch (error) {
        entry.error = (error as Error).message
      }
    }
    entries.push(entry)
  }
  return entries
}

import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, lastHarvestByProvider, Nullable, totalsByProvider, type ChasmDb } from '../db'
import { toIso } from '../shared/time'
import { detectProviders } from './detect'
import type { Provider, ProviderContext } from './provider'

/** A supported provider, its detection on this machine and what the database holds of it (docs/api.md, "Reads"). */
export const ProviderInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('harvest'), Type.Literal('detect-only')]),
  detected: Type.Boolean(),
  paths: Type.Array(Type.String(), { description: 'where it looked and found data' }),
  workspaces: Type.Integer({ minimum: 0 }),
  sessions: Type.Integer({ minimum: 0 }),
  lastHarvestAt: Nullable(IsoTime),
})
export type ProviderInfo = Static<typeof ProviderInfo>

/** Every supported provider, detected or not, with database totals. */
export async function listProviders(chasm: ChasmDb, providers: readonly Provider[], ctx: ProviderContext): Promise<ProviderInfo[]> {
  const detections = await detectProviders(providers, ctx)
  const totals = totalsByProvider(chasm.sqlite)
  const harvested = lastHarvestByProvider(chasm.sqlite)
  return detections.map((d) => ({
    ...d,
    workspaces: totals[d.id]?.workspaces ?? 0,
    sessions: totals[d.id]?.sessions ?? 0,
    lastHarvestAt: toIso(harvested.get(d.id)),
  }))
}

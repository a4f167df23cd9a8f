import { Type, type Static } from '@sinclair/typebox'
import { IsoTime } from '../db'

const Count = Type.Integer({ minimum: 0 })

/** A problem met while harvesting one source. */
export const HarvestProblem = Type.Object({
  source: Type.String({ description: 'the file (or database key) it came from, or the provider id for a discovery failure' }),
  message: Type.String(),
})
export type HarvestProblem = Static<typeof HarvestProblem>

/** What one provider's part of a harvest did: counts of this run only, not of the database. */
export const ProviderSummary = Type.Object({
  provider: Type.String(),
  sources: Type.Integer({ minimum: 0, description: 'sources found' }),
  harvested: Type.Integer({ minimum: 0, description: 'sources read (new or changed)' }),
  skipped: Type.Integer({ minimum: 0, description: 'sources unchanged since the last harvest, not read' }),
  sessions: Type.Integer({ minimum: 0, description: 'sessions written from the sources read' }),
  messages: Type.Integer({ minimum: 0, description: 'messages written from the sources read' }),
  workspaces: Type.Integer({ minimum: 0, description: 'workspaces of the sessions written' }),
  gone: Type.Integer({ minimum: 0, description: 'sources gone since the last harvest (their sessions stay)' }),
  problems: Type.Array(HarvestProblem),
})
export type ProviderSummary = Static<typeof ProviderSummary>

/** What one harvest did, provider by provider. */
export const HarvestSummary = Type.Object({
  startedAt: IsoTime,
  endedAt: IsoTime,
  providers: Type.Array(ProviderSummary),
  problemCount: Count,
})
export type HarvestSummary = Static<typeof HarvestSummary>

import journal from './meta/_journal.json'
import core from './0000_core.sql' with { type: 'text' }
import fts from './0001_fts.sql' with { type: 'text' }
import agency from './0002_agency.sql' with { type: 'text' }
import recording from './0003_recording.sql' with { type: 'text' }
import ftsDeferred from './0004_fts_deferred.sql' with { type: 'text' }
import processIds from './0005_process_ids.sql' with { type: 'text' }
import statsIndex from './0006_stats_index.sql' with { type: 'text' }
import messageStateUsage from './0007_message_state_usage.sql' with { type: 'text' }
import sessionTitles from './0008_session_titles.sql' with { type: 'text' }
import sessionsOriginIndex from './0009_sessions_origin_index.sql' with { type: 'text' }
import usageRollup from './0010_usage_rollup.sql' with { type: 'text' }
import harvestRunSummary from './0011_harvest_run_summary.sql' with { type: 'text' }
import search from './0012_search.sql' with { type: 'text' }
import liveHarvest from './0013_live_harvest.sql' with { type: 'text' }
import usageSessions from './0014_usage_sessions.sql' with { type: 'text' }

/** SQL of every migration by tag, embedded in the binary. Add a line here for each new drizzle-kit migration. */
const SQL_BY_TAG: Record<string, string> = {
  '0000_core': core,
  '0001_fts': fts,
  '0002_agency': agency,
  '0003_recording': recording,
  '0004_fts_deferred': ftsDeferred,
  '0005_process_ids': processIds,
  '0006_stats_index': statsIndex,
  '0007_message_state_usage': messageStateUsage,
  '0008_session_titles': sessionTitles,
  '0009_sessions_origin_index': sessionsOriginIndex,
  '0010_usage_rollup': usageRollup,
  '0011_harvest_run_summary': harvestRunSummary,
  '0012_search': search,
  '0013_live_harvest': liveHarvest,
  '0014_usage_sessions': usageSessions,
}

export interface Migration {
  tag: string
  statements: string[]
}

/** The migrations in journal order; throws at startup if the journal and the embedded list disagree. */
export const MIGRATIONS: Migration[] = journal.entries.map(({ tag }) => {
  const text = SQL_BY_TAG[tag]
  if (text === undefined) throw new Error(`migration ${tag} is in the journal but not embedded`)
  return {
    tag,
    statements: text
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0),
  }
})

import { join } from 'node:path'
import type { SessionDetail } from '../../../src/db'
import { runChasm } from '../../support/cli'
import { tempDir } from '../../support/temp'

/**
 * Harvests `home` with one provider through `chasm harvest run --home … --provider … --json`, as
 * a user would, and reads every harvested session back with `chasm show session --json`.
 */
export async function harvestThroughCli(home: string, provider: string) {
  using dir = tempDir()
  const db = join(dir.path, 'chasm.db')
  const run = await runChasm(['harvest', 'run', '--home', home, '--db', db, '--json', '--provider', provider])
  if (run.code !== 0) throw new Error(`harvest run exited ${run.code}: ${run.stderr}`)
  const summary = JSON.parse(run.stdout).data as { providers: { provider: string; sessions: number; messages: number; problems: string[] }[] }
  const listed = JSON.parse((await runChasm(['list', 'sessions', '--db', db, '--json', '--limit', '500'])).stdout) as { data: { id: string }[] }
  const sessions: SessionDetail[] = []
  for (const { id } of listed.data) sessions.push(JSON.parse((await runChasm(['show', 'session', id, '--db', db, '--json'])).stdout).data)
  sessions.sort((a, b) => a.id.localeCompare(b.id))
  return { summary: summary.providers[0]!, sessions }
}

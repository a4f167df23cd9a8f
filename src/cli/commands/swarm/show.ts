import { Command, Option } from 'clipanion'
import { Swarm, type RunListItem } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { dataOutput } from '../../json-output'
import { keyValues, shortTime } from '../../output'

const firstLine = (text: string | null) => (text === null ? null : (text.trim().split('\n')[0] ?? ''))

/** A swarm as aligned `key: value` lines fitting `width`, with its last run when there is one. */
export function swarmText(swarm: Swarm, lastRun: RunListItem | null, width: number): string {
  const rows: Array<[string, string | null]> = [
    ['name', swarm.name],
    ['id', swarm.id],
    ['status', swarm.status],
    ['coordinator', swarm.coordinator],
    ['workers', swarm.workers.join(', ')],
    ['description', swarm.description || '-'],
    ['updated', swarm.updatedAt],
  ]
  if (lastRun) {
    rows.push(
      ['last run', `${lastRun.id} (${lastRun.status})`],
      ['  started', `${shortTime(lastRun.startedAt)}${lastRun.endedAt ? `, ended ${shortTime(lastRun.endedAt)}` : ''}`],
      ['  prompt', firstLine(lastRun.prompt)],
      [lastRun.error === null ? '  result' : '  error', firstLine(lastRun.error ?? lastRun.result)],
      ['  steps', `chasm show session ${lastRun.sessionId}`],
    )
  } else rows.push(['last run', `none yet (chasm swarm run ${swarm.name} "<prompt>")`])
  return keyValues(rows, width)
}

export class SwarmShowCommand extends AgencyCommand {
  static override paths = [['swarm', 'show']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Show one swarm (by name or id) with its status and last run',
    examples: [
      ['By name', '$0 swarm show dev-team'],
      ['As JSON', '$0 swarm show dev-team --json'],
    ],
  })
  static override jsonOutput = dataOutput(Swarm)

  swarm = Option.String({ name: 'swarm' })

  override async execute() {
    const { swarm, lastRun } = await this.withAgency((agency) => {
      const swarm = agency.findSwarm(this.swarm)
      return { swarm, lastRun: agency.listRuns(swarm.id, { limit: 1, offset: 0 }).items[0] ?? null }
    })
    if (this.json) return this.printJson(swarm)
    this.print(swarmText(swarm, lastRun, this.width))
  }
}

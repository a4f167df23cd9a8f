import { Command } from 'clipanion'
import { Swarm } from '../../../agency'
import { PAGE_SIZES } from '../../../db'
import { AgencyCommand } from '../../agency-command'
import { pageOutput } from '../../json-output'
import { shortTime, table } from '../../output'
import { limitOption, offsetOption } from '../../options'

export class SwarmListCommand extends AgencyCommand {
  static override paths = [['swarm', 'list']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'List swarms by name, with their status and last run',
    examples: [
      ['All swarms', '$0 swarm list'],
      ['As JSON', '$0 swarm list --json'],
    ],
  })
  static override jsonOutput = pageOutput(Swarm)

  limit = limitOption(PAGE_SIZES.swarms)
  offset = offsetOption()

  override async execute() {
    const page = await this.withAgency((agency) => agency.listSwarms({ limit: Number(this.limit), offset: Number(this.offset) }))
    if (this.json) return this.printPage(page)
    this.print(
      table(
        ['NAME', 'STATUS', { header: 'COORDINATOR', drop: 3 }, { header: 'WORKERS', drop: 2 }, { header: 'LAST RUN', cut: false, drop: 4 }, { header: 'ID', cut: false, drop: 5 }],
        page.items.map((s) => [s.name, s.status, s.coordinator, s.workers.join(','), shortTime(s.lastRun?.startedAt ?? null), s.id]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} swarm(s)\n`))
  }
}

import { Command } from 'clipanion'
import { Agent } from '../../../agency'
import { PAGE_SIZES } from '../../../db'
import { AgencyCommand } from '../../agency-command'
import { pageOutput } from '../../json-output'
import { table } from '../../output'
import { limitOption, offsetOption } from '../../options'

export class AgentsListCommand extends AgencyCommand {
  static override paths = [['agents', 'list']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'List agents by name',
    examples: [
      ['All agents', '$0 agents list'],
      ['As JSON', '$0 agents list --json'],
    ],
  })
  static override jsonOutput = pageOutput(Agent)

  limit = limitOption(PAGE_SIZES.agents)
  offset = offsetOption()

  override async execute() {
    const page = await this.withAgency((agency) => agency.listAgents({ limit: Number(this.limit), offset: Number(this.offset) }))
    if (this.json) return this.printPage(page)
    this.print(
      table(
        ['NAME', { header: 'ROLE', drop: 3 }, 'MODEL', { header: 'PROVIDER', drop: 4 }, { header: 'TOOLS', drop: 2 }, { header: 'ID', cut: false, drop: 5 }],
        page.items.map((a) => [a.name, a.role, a.model, a.provider, a.tools.join(',') || '-', a.id]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} agent(s)\n`))
  }
}

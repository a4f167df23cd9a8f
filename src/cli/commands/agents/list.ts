import { Command, Option } from 'clipanion'
import { AgencyCommand } from '../../agency-command'
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

  limit = limitOption(50, 500)
  offset = offsetOption()

  override async execute() {
    const page = await this.withAgency((agency) => agency.listAgents({ limit: Number(this.limit), offset: Number(this.offset) }))
    if (this.json) return this.printJson({ data: page.items, meta: page.meta })
    this.print(
      table(
        ['NAME', 'ROLE', 'MODEL', 'PROVIDER', 'TOOLS', 'ID'],
        page.items.map((a) => [a.name, a.role, a.model, a.provider, a.tools.join(',') || '-', a.id]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} agent(s)\n`))
  }
}

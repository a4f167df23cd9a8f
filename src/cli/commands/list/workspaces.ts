import { Command, Option } from 'clipanion'
import { listWorkspaces } from '../../../db'
import { ReportCommand } from '../../base-command'
import { shortTime, table, truncate } from '../../output'
import { limitOption, offsetOption } from '../../options'

export class ListWorkspacesCommand extends ReportCommand {
  static override paths = [['list', 'workspaces']]
  static override usage = Command.Usage({
    category: 'Browse',
    description: 'List workspaces (project folders per provider), newest first',
    examples: [
      ['All workspaces', '$0 list workspaces'],
      ['Claude Code workspaces whose path contains "api"', '$0 list workspaces --provider claude-code --q api'],
    ],
  })

  provider = Option.String('--provider', { description: 'Only this provider' })
  q = Option.String('--q', { description: 'Substring of the name or path' })
  limit = limitOption(100, 1000)
  offset = offsetOption()

  override async execute() {
    const page = await this.withDb(({ sqlite }) =>
      listWorkspaces(sqlite, { provider: this.provider, q: this.q }, { limit: Number(this.limit), offset: Number(this.offset) }),
    )
    if (this.json) return this.printJson({ data: page.items, meta: page.meta })
    this.print(
      table(
        ['ID', 'PROVIDER', 'NAME', 'SESSIONS', 'UPDATED', 'PATH'],
        page.items.map((w) => [w.id, w.provider, truncate(w.name, 30), w.sessions, shortTime(w.updated), w.path]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} workspace(s)\n`))
  }
}

import { Command, Option } from 'clipanion'
import { listWorkspaces, PAGE_SIZES, Workspace } from '../../../db'
import { ReportCommand } from '../../base-command'
import { pageOutput } from '../../json-output'
import { shortTime, table } from '../../output'
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
  static override jsonOutput = pageOutput(Workspace)

  provider = Option.String('--provider', { description: 'Only this provider' })
  q = Option.String('--q', { description: 'Substring of the name or path' })
  limit = limitOption(PAGE_SIZES.workspaces)
  offset = offsetOption()

  override async execute() {
    const page = await this.withDb(({ sqlite }) =>
      listWorkspaces(sqlite, { provider: this.provider, q: this.q }, { limit: Number(this.limit), offset: Number(this.offset) }),
    )
    if (this.json) return this.printPage(page)
    this.print(
      table(
        [{ header: 'ID', cut: false }, { header: 'PROVIDER', cut: false, drop: 3 }, { header: 'NAME', min: 10, drop: 0 }, { header: 'SESSIONS', drop: 1 }, { header: 'UPDATED', cut: false, drop: 4 }, { header: 'PATH', min: 24, keep: 'end', drop: 2 }],
        page.items.map((w) => [w.id, w.provider, w.name, w.sessions, shortTime(w.updated), w.path]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} workspace(s)\n`))
  }
}

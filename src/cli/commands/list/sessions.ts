import { Command, Option } from 'clipanion'
import { listSessions } from '../../../db'
import { ReportCommand } from '../../base-command'
import { shortTime, table, truncate } from '../../output'
import { limitOption, offsetOption } from '../../options'

export class ListSessionsCommand extends ReportCommand {
  static override paths = [['list', 'sessions']]
  static override usage = Command.Usage({
    category: 'Browse',
    description: 'List sessions, newest first',
    examples: [
      ['The 50 newest sessions', '$0 list sessions'],
      ['Sessions of one workspace as JSON', '$0 list sessions --workspace 3f2a9c01d4e5b6a7 --json'],
    ],
  })

  workspace = Option.String('--workspace', { description: 'Only this workspace id' })
  provider = Option.String('--provider', { description: 'Only this provider' })
  limit = limitOption(50, 500)
  offset = offsetOption()

  override async execute() {
    const page = await this.withDb(({ sqlite }) =>
      listSessions(sqlite, { workspace: this.workspace, provider: this.provider }, { limit: Number(this.limit), offset: Number(this.offset) }),
    )
    if (this.json) return this.printJson({ data: page.items, meta: page.meta })
    this.print(
      table(
        ['ID', 'PROVIDER', 'TITLE', 'MSGS', 'UPDATED'],
        page.items.map((s) => [s.id, s.provider, truncate(s.title, 50), s.messageCount, shortTime(s.updated)]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} session(s)\n`))
  }
}

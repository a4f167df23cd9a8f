import { Command, Option } from 'clipanion'
import { listSessions, PAGE_SIZES, SessionSummary } from '../../../db'
import { ReportCommand } from '../../base-command'
import { pageOutput } from '../../json-output'
import { shortTime, table, UNTITLED } from '../../output'
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
  static override jsonOutput = pageOutput(SessionSummary)

  workspace = Option.String('--workspace', { description: 'Only this workspace id' })
  provider = Option.String('--provider', { description: 'Only this provider' })
  limit = limitOption(PAGE_SIZES.sessions)
  offset = offsetOption()

  override async execute() {
    const page = await this.withDb(({ sqlite }) =>
      listSessions(sqlite, { workspace: this.workspace, provider: this.provider }, { limit: Number(this.limit), offset: Number(this.offset) }),
    )
    if (this.json) return this.printPage(page)
    this.print(
      table(
        [{ header: 'ID', cut: false }, { header: 'PROVIDER', cut: false, drop: 2 }, { header: 'TITLE', min: 20, drop: 0 }, { header: 'MSGS', drop: 1 }, { header: 'UPDATED', cut: false, drop: 3 }],
        page.items.map((s) => [s.id, s.provider, s.title ?? UNTITLED, s.messageCount, shortTime(s.updated)]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} session(s)\n`))
  }
}

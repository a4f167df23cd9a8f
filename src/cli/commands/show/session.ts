import { Command, Option } from 'clipanion'
import * as t from 'typanion'
import { getSession, hiddenCount, SessionDetail } from '../../../db'
import { exportSession } from '../../../export'
import { ReportCommand } from '../../base-command'
import { dataOutput } from '../../json-output'
import { writeChunks } from '../../output'

export class ShowSessionCommand extends ReportCommand {
  static override paths = [['show', 'session']]
  static override usage = Command.Usage({
    category: 'Browse',
    description: 'Print a whole session as Markdown or JSON',
    examples: [
      ['As Markdown', '$0 show session 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab'],
      ['As JSON (the same as --json)', '$0 show session 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab --format json'],
      ['With the turns the assistant hides (undone, system)', '$0 show session 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab --include-hidden'],
    ],
  })
  static override jsonOutput = dataOutput(SessionDetail)

  id = Option.String({ name: 'id' })
  format = Option.String('--format', 'md', { validator: t.isEnum(['md', 'json']), description: 'md (default) or json (the same as --json)' })
  includeHidden = Option.Boolean('--include-hidden', false, { description: 'also print messages the assistant leaves out of its transcript (JSON always has them)' })

  override async execute() {
    if (this.json || this.format === 'json') return this.printJson(await this.withDb(({ sqlite }) => getSession(sqlite, this.id)))
    // The same Markdown as `chasm export session`, unredacted: this is the user's own terminal.
    await this.withDb(async ({ sqlite }) => {
      const { chunks } = exportSession(sqlite, this.id, 'md', { redact: false, includeHidden: this.includeHidden })
      await writeChunks(this.context.stdout, chunks)
      const hidden = this.includeHidden ? 0 : hiddenCount(sqlite, this.id)
      if (hidden > 0) this.print(`\n(${hidden} hidden turn(s) left out, as the assistant shows it: --include-hidden shows them)\n`)
    })
  }
}

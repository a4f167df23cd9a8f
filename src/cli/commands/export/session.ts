import { Command, Option } from 'clipanion'
import * as t from 'typanion'
import { exportSession } from '../../../export'
import { BaseCommand } from '../../base-command'
import { writeChunks } from '../../output'

export class ExportSessionCommand extends BaseCommand {
  static override paths = [['export', 'session']]
  static override usage = Command.Usage({
    category: 'Export',
    description: 'Export one session as Markdown, JSON or a self-contained HTML page (secrets redacted)',
    details: `
      Secrets (API keys, tokens, private keys, passwords in URLs and assignments) are replaced with
      [REDACTED:<kind>] unless --no-redact is given; the stored session is never changed.
    `,
    examples: [
      ['As Markdown on stdout', '$0 export session 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab'],
      ['As one HTML page to share', '$0 export session 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab --format html --out session.html'],
    ],
  })

  id = Option.String({ name: 'id' })
  format = Option.String('--format', 'md', { validator: t.isEnum(['md', 'json', 'html']), description: 'md (default), json or html' })
  out = Option.String('--out', { description: 'Write to this file instead of stdout' })
  redact = Option.Boolean('--redact', true, { description: 'Replace secrets with [REDACTED:<kind>] (default; --no-redact keeps them)' })

  override async execute() {
    await this.withDb(async ({ sqlite }) => {
      const { chunks } = exportSession(sqlite, this.id, this.format as 'md' | 'json' | 'html', { redact: this.redact })
      if (this.out) await Bun.write(this.out, [...chunks].join(''))
      else await writeChunks(this.context.stdout, chunks)
    })
  }
}

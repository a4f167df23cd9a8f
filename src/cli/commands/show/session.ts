import { Command, Option } from 'clipanion'
import * as t from 'typanion'
import { getSession, type SessionDetail } from '../../../db'
import { ReportCommand } from '../../base-command'

export class ShowSessionCommand extends ReportCommand {
  static override paths = [['show', 'session']]
  static override usage = Command.Usage({
    category: 'Browse',
    description: 'Print a whole session as Markdown or JSON',
    examples: [
      ['As Markdown', '$0 show session 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab'],
      ['As JSON', '$0 show session 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab --format json'],
    ],
  })

  id = Option.String({ name: 'id' })
  format = Option.String('--format', 'md', { validator: t.isEnum(['md', 'json']), description: 'md (default) or json' })

  override async execute() {
    const session = await this.withDb(({ sqlite }) => getSession(sqlite, this.id))
    if (this.json || this.format === 'json') return this.printJson(session)
    this.print(toMarkdown(session))
  }
}

/** A session as a readable Markdown document. */
export function toMarkdown(session: SessionDetail): string {
  const lines = [
    `# ${session.title ?? 'Untitled session'}`,
    '',
    `- id: \`${session.id}\``,
    `- provider: ${session.provider}${session.model ? ` (${session.model})` : ''}`,
    `- created: ${session.created ?? '-'} · updated: ${session.updated ?? '-'}`,
    `- messages: ${session.messageCount}`,
    '',
  ]
  for (const message of session.messages) {
    lines.push(`## ${message.role}${message.timestamp ? ` · ${message.timestamp}` : ''}${message.model ? ` · ${message.model}` : ''}`, '')
    if (message.content) lines.push(message.content, '')
    for (const tool of message.toolInvocations) {
      lines.push(`> tool \`${tool.name}\`${tool.status ? ` (${tool.status})` : ''}`)
      if (tool.input !== null) lines.push('', '```json', JSON.stringify(tool.input, null, 2), '```')
      if (tool.output) lines.push('', '```', tool.output.length > 2000 ? `${tool.output.slice(0, 2000)}\n…` : tool.output, '```')
      lines.push('')
    }
  }
  return `${lines.join('\n').trimEnd()}\n`
}

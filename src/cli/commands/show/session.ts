import { Command, Option } from 'clipanion'
import * as t from 'typanion'
import { getSession, SessionDetail } from '../../../db'
import { ReportCommand } from '../../base-command'
import { dataOutput } from '../../json-output'
import { UNTITLED } from '../../output'

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
    const session = await this.withDb(({ sqlite }) => getSession(sqlite, this.id))
    if (this.json || this.format === 'json') return this.printJson(session)
    this.print(toMarkdown(session, { includeHidden: this.includeHidden }))
  }
}

type Message = SessionDetail['messages'][number]

/** How a turn that did not complete ended, as a quoted line under its heading. */
const endOf = (message: Message): string | null =>
  message.state === 'complete' ? (message.error ? `> error: ${message.error}` : null) : `> ${message.state}${message.error ? `: ${message.error}` : ''}`

/** A session as a readable Markdown document; hidden messages (undone, system turns) only on request. */
export function toMarkdown(session: SessionDetail, options: { includeHidden?: boolean } = {}): string {
  const hidden = session.messages.filter((message) => message.hidden).length
  const lines = [
    `# ${session.title ?? UNTITLED}`,
    '',
    `- id: \`${session.id}\``,
    `- provider: ${session.provider}${session.model ? ` (${session.model})` : ''}`,
    `- created: ${session.created ?? '-'} · updated: ${session.updated ?? '-'}`,
    `- messages: ${session.messageCount}${hidden > 0 ? ` (${hidden} hidden${options.includeHidden ? '' : ', shown with --include-hidden'})` : ''}`,
    '',
  ]
  for (const message of session.messages) {
    if (message.hidden && !options.includeHidden) continue
    const heading = [message.role, message.timestamp, message.model, message.hidden ? 'hidden' : null].filter(Boolean).join(' · ')
    lines.push(`## ${heading}`, '')
    const end = endOf(message)
    if (end) lines.push(end, '')
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

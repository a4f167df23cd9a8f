import type { Message, SessionSummary } from '../../db'
import { asText } from '../components/tool-call'

/** A fence longer than any backtick run inside `text`, so the block cannot be closed early. */
const fence = (text: string) => '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)))

const block = (text: string, language = '') => {
  const f = fence(text)
  return `${f}${language}\n${text}\n${f}`
}

/** The whole conversation as one Markdown document ("copy as Markdown"). */
export function sessionMarkdown(session: Pick<SessionSummary, 'title' | 'provider' | 'id'>, messages: Message[]): string {
  const out = [`# ${session.title || 'Untitled session'}`, '', `${session.provider} · ${session.id}`, '']
  for (const message of messages) {
    const meta = [message.model, message.timestamp].filter(Boolean).join(', ')
    out.push(`## ${message.role}${meta ? ` (${meta})` : ''}`, '', message.content, '')
    for (const tool of message.toolInvocations) {
      out.push(`**Tool ${tool.name}**${tool.status ? ` (${tool.status})` : ''}`, '', block(asText(tool.input), 'json'), '')
      if (tool.output !== null) out.push(block(tool.output), '')
    }
  }
  return out.join('\n')
}

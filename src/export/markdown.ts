import type { Message, ToolInvocation } from '../db'
import { cleanerFor, type ExportHead, type RenderOptions } from './head'
import { codeBlock, codeSpan, containMarkdown, escapeHtml, inlineText, readableTime, turnNotes } from './text'

const ROLE_TITLE: Record<Message['role'], string> = { user: 'User', assistant: 'Assistant', system: 'System', tool: 'Tool' }

/** The header: title and a table of what is known about the session. */
function markdownHead(head: ExportHead): string {
  const cell = (text: string) => text.replaceAll('|', '\\|')
  const rows: [string, string | null][] = [
    ['Provider', inlineText(head.provider)],
    ['Workspace', head.workspace && `${inlineText(head.workspace.name)}${head.workspace.path ? ` (${cell(codeSpan(head.workspace.path))})` : ''}`],
    ['Model', head.model && inlineText(head.model)],
    ['Created', readableTime(head.created)],
    ['Updated', readableTime(head.updated)],
    ['Messages', String(head.messageCount)],
    ['Origin', head.origin + (head.sourceDeleted ? ' (source deleted by the provider; kept by chasm)' : '')],
    ['Session id', cell(codeSpan(head.id))],
  ]
  const table = rows.filter(([, value]) => value !== null).map(([name, value]) => `| ${name} | ${value} |`)
  return [`# ${inlineText(head.title ?? '') || 'Untitled session'}`, '', '| | |', '|---|---|', ...table, ''].join('\n')
}

/** A tool call folded in `<details>`: input as JSON, output as text, each in a fence nothing inside can close. */
function markdownTool(tool: ToolInvocation): string {
  const summary = `Tool call <code>${escapeHtml(tool.name)}</code>${tool.status ? ` · ${escapeHtml(tool.status)}` : ''}`
  const parts = ['<details>', `<summary>${summary}</summary>`, '']
  if (tool.input !== null && tool.input !== undefined) {
    const input = typeof tool.input === 'string' ? tool.input : JSON.stringify(tool.input, null, 2)
    parts.push('**Input**', '', codeBlock(input, typeof tool.input === 'string' ? '' : 'json'), '')
  }
  if (tool.output !== null && tool.output !== '') parts.push('**Output**', '', codeBlock(tool.output), '')
  parts.push('</details>')
  return parts.join('\n')
}

/** One message: a heading with role, model, time and how the turn ended, its content, then its tool calls. */
function markdownMessage(message: Message): string {
  const heading = [ROLE_TITLE[message.role], message.model && inlineText(message.model), readableTime(message.timestamp), ...turnNotes(message)]
    .filter(Boolean)
    .join(' · ')
  const parts = [`### ${heading}`, '']
  if (message.error) parts.push(`> **Error:** ${inlineText(message.error)}`, '')
  if (message.content.trim() !== '') parts.push(containMarkdown(message.content), '')
  for (const tool of message.toolInvocations) parts.push(markdownTool(tool), '')
  return parts.join('\n')
}

/**
 * A session as a Markdown document that reads well on GitHub, one chunk per message so a long
 * session is written (or sent) as it is rendered. Secrets are redacted unless `redact` is off.
 */
export function* markdownDocument(head: ExportHead, messages: Iterable<Message>, options: RenderOptions): Generator<string> {
  const clean = cleanerFor(options)
  yield markdownHead(clean.head(head))
  for (const message of messages) yield `\n---\n\n${markdownMessage(clean.message(message))}`
}

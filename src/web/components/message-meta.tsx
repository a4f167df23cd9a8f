import type { Message } from '../../db'

/**
 * What a reader wants from a message's metadata (docs/providers.md, docs/web.md): who wrote it (a
 * swarm's agent, a Copilot participant), the slash command, the chat mode and the attachments.
 * Metadata is whatever a harvested file or a recorder wrote: only strings and numbers are taken,
 * and they are shown as text.
 */
export interface MessageFacts {
  agent?: string
  /** The worker a swarm coordinator assigned this message to. */
  to?: string
  participant?: string
  command?: string
  mode?: string
  attachments: { name?: string; path?: string; lines?: string; kind?: string }[]
  hiddenReason?: string
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

/** The facts of a message's metadata that the page shows; anything else in it is left out. */
export function factsOf(metadata: Message['metadata']): MessageFacts {
  const data = metadata ?? {}
  const attachments = (Array.isArray(data.attachments) ? data.attachments : [])
    .map(record)
    .filter((entry) => entry !== undefined)
    .map((entry) => ({ name: text(entry.name), path: text(entry.path), lines: text(entry.lines), kind: text(entry.kind) }))
    .filter((entry) => entry.name !== undefined || entry.path !== undefined)
  return {
    agent: text(data.agent),
    to: text(data.to),
    participant: text(data.participant) ?? text(data.agentId),
    command: text(data.command),
    mode: text(data.mode),
    attachments,
    hiddenReason: text(data.hiddenReason),
  }
}

/** A slash command as typed: `/fix`. */
const slash = (command: string) => (command.startsWith('/') ? command : `/${command}`)

/** Who wrote a message and how it was sent, for its header: agent (→ worker), participant, command, mode. */
export function MessageSource({ facts }: { facts: MessageFacts }) {
  return (
    <>
      {facts.agent && (
        <span class="agent" title="the agent that wrote this message">
          {facts.agent}
          {facts.to && ` → ${facts.to}`}
        </span>
      )}
      {facts.participant && (
        <span class="tag soft" title="the chat participant that answered">
          {facts.participant}
        </span>
      )}
      {facts.command && <code class="command">{slash(facts.command)}</code>}
      {facts.mode && <span class="tag soft">{facts.mode} mode</span>}
    </>
  )
}

/** What the user attached to a message: files, selections, symbols, with paths and lines. */
export function Attachments({ attachments }: { attachments: MessageFacts['attachments'] }) {
  if (attachments.length === 0) return null
  return (
    <ul class="attachments" aria-label="Attachments">
      {attachments.map((a, i) => (
        <li key={i} title={a.kind}>
          {a.name && <span class="attachment-name">{a.name}</span>}
          {a.path && (
            <span class="path">
              {a.path}
              {a.lines && `:${a.lines}`}
            </span>
          )}
        </li>
      ))}
    </ul>
  )
}

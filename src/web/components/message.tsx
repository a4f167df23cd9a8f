import type { Message } from '../../db'
import { formatCount, formatDateTime } from '../render/format'
import { useEffect, useState } from 'preact/hooks'
import { MARKDOWN_LIMIT, renderIfCheap, renderSoon } from '../render/markdown'
import { LongText } from './long-text'
import { Attachments, factsOf, MessageSource } from './message-meta'
import { ToolCall } from './tool-call'

const ROLE_LABEL: Record<Message['role'], string> = { user: 'User', assistant: 'Assistant', system: 'System', tool: 'Tool' }

/** The content of a message: Markdown (sanitized) for the conversation, plain text for system and tool output or when huge. */
function Body({ message }: { message: Message }) {
  if (!message.content) return null
  if (message.role === 'system') {
    return (
      <details class="system">
        <summary>System prompt</summary>
        <LongText text={message.content} />
      </details>
    )
  }
  if (message.role === 'tool' || message.content.length > MARKDOWN_LIMIT) return <LongText text={message.content} />
  return <Markdown text={message.content} />
}

/** Sanitized Markdown; while its turn to render has not come, the text as it is. */
function Markdown({ text }: { text: string }) {
  const [rendered, setRendered] = useState(() => ({ text, html: renderIfCheap(text) }))
  const html = rendered.text === text ? rendered.html : renderIfCheap(text)
  useEffect(() => {
    if (html !== null) return
    return renderSoon(text, (done) => setRendered({ text, html: done }))
  }, [text, html === null])
  if (html === null) {
    return (
      <div class="markdown pending raw" dir="auto">
        {text}
      </div>
    )
  }
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />
}

/** Tokens a message reports, e.g. "1,204 in · 310 out · 9,000 cache read · 512 cache write"; counts not recorded are left out. */
function usageText(usage: NonNullable<Message['usage']>): string {
  const cacheWrite = usage.cacheWrite5mTokens === null && usage.cacheWrite1hTokens === null ? null : (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0)
  const parts = [
    usage.inputTokens !== null && `${formatCount(usage.inputTokens)} in`,
    usage.outputTokens !== null && `${formatCount(usage.outputTokens)} out`,
    usage.cacheReadTokens !== null && `${formatCount(usage.cacheReadTokens)} cache read`,
    cacheWrite !== null && `${formatCount(cacheWrite)} cache write`,
  ]
  return parts.filter(Boolean).join(' · ')
}

const HIDDEN_REASON: Record<string, string> = { undone: 'undone', 'hidden-from-transcript': 'not in the transcript' }

/** One message of a conversation, anchored at `#m-<id>`. */
export function MessageView({ message }: { message: Message }) {
  const anchor = `m-${message.id}`
  const classes = ['message', message.role, message.hidden && 'hidden-turn', message.state !== 'complete' && message.state].filter(Boolean).join(' ')
  const facts = factsOf(message.metadata)
  const reason = facts.hiddenReason && (HIDDEN_REASON[facts.hiddenReason] ?? facts.hiddenReason)
  return (
    <article id={anchor} class={classes} tabIndex={-1} data-nav aria-label={`${ROLE_LABEL[message.role]} message${facts.agent ? ` by ${facts.agent}` : ''}`}>
      <header class="message-head">
        <span class="role">{ROLE_LABEL[message.role]}</span>
        <MessageSource facts={facts} />
        {message.model && <span class="model">{message.model}</span>}
        {message.usage && <span class="usage">{usageText(message.usage)}</span>}
        {message.state !== 'complete' && <span class={`tag state ${message.state === 'failed' ? 'status-failed' : 'status-paused'}`}>{message.state}</span>}
        {message.hidden && <span class="tag soft">hidden by the assistant{reason && ` (${reason})`}</span>}
        <time dateTime={message.timestamp ?? undefined}>{formatDateTime(message.timestamp)}</time>
        <a class="permalink" href={`#${encodeURIComponent(anchor)}`} aria-label="Link to this message">
          #
        </a>
      </header>
      <Attachments attachments={facts.attachments} />
      {message.error && (
        <p class="note error" dir="auto">
          {message.state === 'cancelled' ? 'Cancelled: ' : message.state === 'failed' ? 'Failed: ' : ''}
          {message.error}
        </p>
      )}
      <Body message={message} />
      {message.toolInvocations.map((tool) => (
        <ToolCall key={tool.id} tool={tool} />
      ))}
    </article>
  )
}

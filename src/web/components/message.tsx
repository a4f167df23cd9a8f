import type { Message } from '../../db'
import { formatCount, formatDateTime } from '../render/format'
import { useEffect, useState } from 'preact/hooks'
import { MARKDOWN_LIMIT, renderIfCheap, renderSoon } from '../render/markdown'
import { LongText } from './long-text'
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

/** Tokens a message reports, e.g. "1,204 in · 310 out · 9,000 cached". */
function usageText(usage: NonNullable<Message['usage']>): string {
  const parts = [
    usage.inputTokens !== null && `${formatCount(usage.inputTokens)} in`,
    usage.outputTokens !== null && `${formatCount(usage.outputTokens)} out`,
    usage.cacheReadTokens && `${formatCount(usage.cacheReadTokens)} cached`,
  ]
  return parts.filter(Boolean).join(' · ')
}

/** One message of a conversation, anchored at `#m-<id>`. */
export function MessageView({ message }: { message: Message }) {
  const anchor = `m-${message.id}`
  const classes = ['message', message.role, message.hidden && 'hidden-turn', message.state !== 'complete' && message.state].filter(Boolean).join(' ')
  return (
    <article id={anchor} class={classes} tabIndex={-1} data-nav aria-label={`${ROLE_LABEL[message.role]} message`}>
      <header class="message-head">
        <span class="role">{ROLE_LABEL[message.role]}</span>
        {message.model && <span class="model">{message.model}</span>}
        {message.usage && <span class="usage">{usageText(message.usage)}</span>}
        {message.state !== 'complete' && <span class={`tag ${message.state === 'failed' ? 'status-failed' : 'soft'}`}>{message.state}</span>}
        {message.hidden && <span class="tag soft">hidden by the assistant</span>}
        <time dateTime={message.timestamp ?? undefined}>{formatDateTime(message.timestamp)}</time>
        <a class="permalink" href={`#${encodeURIComponent(anchor)}`} aria-label="Link to this message">
          #
        </a>
      </header>
      {message.error && (
        <p class="note error" dir="auto">
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

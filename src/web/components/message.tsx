import type { Message } from '../../db'
import { formatDateTime } from '../render/format'
import { MARKDOWN_LIMIT, renderMarkdown } from '../render/markdown'
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
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(message.content) }} />
}

/** One message of a conversation, anchored at `#m-<id>`. */
export function MessageView({ message }: { message: Message }) {
  const anchor = `m-${message.id}`
  return (
    <article id={anchor} class={`message ${message.role}`} tabIndex={-1} data-nav aria-label={`${ROLE_LABEL[message.role]} message`}>
      <header class="message-head">
        <span class="role">{ROLE_LABEL[message.role]}</span>
        {message.model && <span class="model">{message.model}</span>}
        <time dateTime={message.timestamp ?? undefined}>{formatDateTime(message.timestamp)}</time>
        <a class="permalink" href={`#${encodeURIComponent(anchor)}`} aria-label="Link to this message">
          #
        </a>
      </header>
      <Body message={message} />
      {message.toolInvocations.map((tool) => (
        <ToolCall key={tool.id} tool={tool} />
      ))}
    </article>
  )
}

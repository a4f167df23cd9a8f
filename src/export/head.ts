import { Type, type Static } from '@sinclair/typebox'
import type { Message, SessionSummary } from '../db'
import { redactDeep, redactText } from '../redact'

/** The formats a session exports to. */
export const ExportFormat = Type.Union([Type.Literal('md'), Type.Literal('json'), Type.Literal('html')], {
  description: 'md (Markdown), json (the API session object) or html (one self-contained page)',
})
export type ExportFormat = Static<typeof ExportFormat>

/** What a document says about a session before its messages: the summary and its workspace. */
export interface ExportHead extends SessionSummary {
  workspace: { name: string; path: string | null } | null
}

/** How a document is rendered. */
export interface RenderOptions {
  /** Replace secrets with `[REDACTED:<kind>]` (the default everywhere; stored data never changes). */
  redact: boolean
  /**
   * Keep the turns the provider's own view leaves out (undone, system-initiated), marked as hidden.
   * Default true: an export loses nothing. `chasm show session` reads like the assistant's view.
   */
  includeHidden?: boolean
}

/** The redaction a renderer applies to what it shows of a session: secrets replaced, or nothing. */
export interface Cleaner {
  head(head: ExportHead): ExportHead
  message(message: Message): Message
}

const keep: Cleaner = { head: (h) => h, message: (m) => m }

const redacting: Cleaner = {
  head: (head) => ({
    ...head,
    title: head.title === null ? null : redactText(head.title),
    workspace: head.workspace && { name: redactText(head.workspace.name), path: head.workspace.path === null ? null : redactText(head.workspace.path) },
  }),
  // The text of a message; ids, roles and times are not free text.
  message: (message) => ({
    ...message,
    content: redactText(message.content),
    model: message.model === null ? null : redactText(message.model),
    error: message.error === null ? null : redactText(message.error),
    metadata: redactDeep(message.metadata),
    toolInvocations: message.toolInvocations.map((tool) => ({
      ...tool,
      name: redactText(tool.name),
      input: redactDeep(tool.input),
      output: tool.output === null ? null : redactText(tool.output),
    })),
  }),
}

/** The cleaner for a render: redacting unless redaction was turned off. */
export const cleanerFor = (options: RenderOptions): Cleaner => (options.redact ? redacting : keep)

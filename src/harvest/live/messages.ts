import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { Message, messagesOf, Nullable } from '../../db'
import type { ChangedSessions } from '../engine'
import { harvestStore } from '../store'

/** A message a live pass wrote: new (`message`), or an earlier one the provider's file completed (`message_update`). */
export const LiveMessage = Type.Object({
  sessionId: Type.String(),
  provider: Type.String(),
  workspace: Nullable(Type.String({ description: "the session's workspace folder (or its name when it has no folder)" })),
  kind: Type.Union([Type.Literal('message'), Type.Literal('message_update')], {
    description: 'message: new; message_update: an earlier message the assistant completed (its whole text)',
  }),
  message: Message,
})
export type LiveMessage = Static<typeof LiveMessage>

/** Messages one live pass may push per session: a file read whole for the first time pushes its newest ones only. */
export const LIVE_MESSAGES_PER_SESSION = 200

/**
 * The messages a live pass wrote, as live viewers get them: each new message once, and a message
 * the provider completed since it was pushed (more text, a tool result) as an update.
 */
export function liveMessages(sqlite: Database, changed: ChangedSessions): LiveMessage[] {
  const store = harvestStore(sqlite)
  const out: LiveMessage[] = []
  for (const written of changed.sessions) {
    const place = store.sessionPlace(written.id)
    if (!place) continue
    const from = Math.max(written.from, place.message_count - LIVE_MESSAGES_PER_SESSION)
    const before = new Map(written.replaced.map((message) => [message.index, message]))
    for (const message of messagesOf(sqlite, place.pk, { offset: from, limit: place.message_count - from })) {
      const previous = before.get(message.index)
      if (previous && previous.messageId === message.id && previous.content === message.content) continue
      out.push({ sessionId: written.id, provider: changed.provider, workspace: place.workspace, kind: previous?.messageId === message.id ? 'message_update' : 'message', message })
    }
  }
  return out
}

import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { maskSecret, secretsIn } from '../redact'
import { historyText } from './store'

/** Where a secret sits in the history, with a preview that never shows it whole. */
export const SecretSighting = Type.Object({
  kind: Type.String({ description: 'the detector kind, as in [REDACTED:<kind>]' }),
  sessionId: Type.String(),
  messageId: Type.Union([Type.String(), Type.Null()], { description: 'null for a session title' }),
  where: Type.String({ description: 'title, content, tool input (<tool>) or tool output (<tool>)' }),
  preview: Type.String({ description: 'the first characters and the length; never the whole secret' }),
})
export type SecretSighting = Static<typeof SecretSighting>

/** Every secret in the stored history, streamed over the database (titles, messages, tool calls). */
export function* scanSecrets(sqlite: Database): Generator<SecretSighting> {
  for (const row of historyText(sqlite)) {
    for (const { kind, secret } of secretsIn(row.value)) {
      yield { kind, sessionId: row.sessionId, messageId: row.messageId, where: row.where, preview: maskSecret(secret) }
    }
  }
}

import type { SessionHeader, SessionPart } from '../provider'
import { promptTitle } from './naming'

/** What a reader learned about a session only by reading it to the end. */
export interface SessionEnd {
  /** The model of the last assistant message. */
  model?: string | null
  /** A title the source named, which wins over the first prompt. */
  title?: string | null
  /** The first thing the user typed, for a title when the source names none. */
  firstPrompt?: string | null
  /** The file ended mid-record. */
  incomplete?: boolean
}

/** The `update` part that closes a session with what was learned while reading it; none when nothing was. */
export function sessionEnd(end: SessionEnd): SessionPart[] {
  const patch: Partial<Omit<SessionHeader, 'id'>> = {}
  if (end.model) patch.model = end.model
  const title = end.title ?? (end.firstPrompt ? promptTitle(end.firstPrompt) : null)
  if (title !== null) patch.title = title
  if (end.incomplete) patch.incomplete = true
  return Object.keys(patch).length > 0 ? [{ kind: 'update', patch }] : []
}

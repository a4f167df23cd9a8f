import type { Database } from 'bun:sqlite'
import { createHash } from 'node:crypto'
import type { SessionPart, WorkspaceRef } from '../../provider'
import { folderPath } from '../../read/folder-uri'
import { promptTitle, workspaceAt } from '../../read/naming'
import { readSqliteParts } from '../../read/sqlite-source'
import { asArray, asString, asText, recordOf } from '../../read/values'
import { bubbleModel, messageFromBubble } from './bubble'
import { kvReader, prefixRange } from './kv'

/** One composer found in the global database, with what makes its fingerprint. */
export interface ComposerEntry {
  composerId: string
  fingerprint: string
}

/**
 * Lists the composers of the global `cursorDiskKV` without loading any value. The fingerprint of
 * a composer is its row id and size plus its bubbles' count and newest row id: the table replaces a
 * rewritten row with a new rowid, so any edit, new bubble or deletion changes it.
 */
export function listComposers(db: Database): ComposerEntry[] {
  const [from, to] = prefixRange('composerData:')
  const composers = db
    .query<{ rowid: number; key: string; bytes: number | null }, [string, string]>(
      'SELECT rowid, key, octet_length(value) AS bytes FROM cursorDiskKV WHERE key >= ? AND key < ? ORDER BY key',
    )
    .all(from, to)
  const bubbles = db.query<{ n: number; last: number | null }, [string, string]>(
    'SELECT count(*) AS n, max(rowid) AS last FROM cursorDiskKV WHERE key >= ? AND key < ?',
  )
  return composers.map(({ rowid, key, bytes }) => {
    const composerId = key.slice('composerData:'.length)
    const { n, last } = bubbles.get(...prefixRange(`bubbleId:${composerId}:`))!
    return { composerId, fingerprint: `composer:${rowid}/${bytes}:bubbles:${n}/${last ?? 0}` }
  })
}

/** A short, colon-free digest of a workspace key, to fold attribution changes into a fingerprint. */
export const workspaceDigest = (workspace: WorkspaceRef | null) =>
  createHash('sha256').update(workspace?.key ?? '').digest('hex').slice(0, 12)

/** How a composer read finds its workspace when no workspace index lists it. */
export interface ComposerContext {
  workspace: WorkspaceRef | null
  /** Workspaces by their `workspaceStorage` folder id, for `composerData.workspaceIdentifier`. */
  byStorageId: ReadonlyMap<string, WorkspaceRef>
  fallback: WorkspaceRef
}

/**
 * Reads one composer: its `composerData` then, in header order, each `bubbleId:<composer>:<bubble>`
 * value, one at a time (the database is often several GB). Without headers, the inline
 * `conversation[]` of older versions is used; with unreadable composer data, the composer's bubbles
 * in row order. Headers pointing at missing bubbles are counted in metadata, not reported.
 */
export function readComposer(path: string, composerId: string, context: ComposerContext): AsyncGenerator<SessionPart> {
  return readSqliteParts(path, (db) => composerParts(db, composerId, context))
}

function* composerParts(db: Database, composerId: string, context: ComposerContext): Generator<SessionPart> {
  const get = kvReader(db, 'cursorDiskKV')
  const data = get(`composerData:${composerId}`)
  if (!data.found) return
  let composer: Record<string, unknown> = {}
  if ('problem' in data) yield { kind: 'problem', message: data.problem }
  else composer = recordOf(data.value)

  const unreadable = 'problem' in data
  // Empty chats (a composer is created for every new tab) are not sessions.
  if (!hasBubbles(db, composer, composerId, unreadable)) return
  const model = asText(recordOf(composer.modelConfig).modelName)
  const status = asText(composer.status)
  const mode = asText(composer.unifiedMode)
  const metadata: Record<string, unknown> = {}
  if (mode) metadata.mode = mode
  if (status) metadata.status = status
  if (composer.isArchived === true) metadata.archived = true
  yield {
    kind: 'session',
    session: {
      id: composerId,
      title: asText(composer.name),
      model,
      created: typeof composer.createdAt === 'number' ? composer.createdAt : null,
      updated: typeof composer.lastUpdatedAt === 'number' ? composer.lastUpdatedAt : null,
      workspace: context.workspace ?? workspaceFromIdentifier(composer.workspaceIdentifier, context.byStorageId) ?? context.fallback,
      metadata,
    },
  }
  let currentModel = model
  let firstUser: string | null = null
  let missing = 0
  for (const bubble of bubblesOf(db, get, composerId, composer, unreadable)) {
    if (bubble.kind === 'missing') {
      missing += 1
      continue
    }
    if (bubble.kind === 'problem') {
      yield { kind: 'problem', message: bubble.message }
      continue
    }
    if (bubble.value === null) continue
    currentModel = bubbleModel(bubble.value) ?? currentModel
    const message = messageFromBubble(bubble.value, currentModel)
    if (typeof message === 'string') {
      yield { kind: 'problem', message }
      continue
    }
    if (message.role === 'user') firstUser ??= message.content
    yield { kind: 'message', message }
  }
  if (missing > 0) yield { kind: 'update', patch: { metadata: { ...metadata, missingBubbles: missing } } }
  if (!asText(composer.name)) yield { kind: 'update', patch: { title: firstUser === null ? null : promptTitle(firstUser) } }
}

function hasBubbles(db: Database, composer: Record<string, unknown>, composerId: string, unreadable: boolean): boolean {
  if (asArray(composer.fullConversationHeadersOnly).length > 0 || asArray(composer.conversation).length > 0) return true
  if (!unreadable) return false
  return db.query('SELECT 1 FROM cursorDiskKV WHERE key >= ? AND key < ? LIMIT 1').get(...prefixRange(`bubbleId:${composerId}:`)) !== null
}

type BubbleRead = { kind: 'bubble'; value: unknown } | { kind: 'missing' } | { kind: 'problem'; message: string }

/** The composer's bubbles in conversation order, read lazily. */
function* bubblesOf(
  db: Database,
  get: ReturnType<typeof kvReader>,
  composerId: string,
  composer: Record<string, unknown>,
  composerUnreadable: boolean,
): Generator<BubbleRead> {
  const inline = asArray(composer.conversation)
  const headers = asArray(composer.fullConversationHeadersOnly).map(recordOf)
  if (headers.length > 0) {
    for (const header of headers) {
      const bubbleId = asText(header.bubbleId)
      if (!bubbleId) {
        yield { kind: 'problem', message: 'conversation header without bubbleId' }
        continue
      }
      const stored = get(`bubbleId:${composerId}:${bubbleId}`)
      if (!stored.found) {
        const kept = inline.find((bubble) => recordOf(bubble).bubbleId === bubbleId)
        yield kept === undefined ? { kind: 'missing' } : { kind: 'bubble', value: kept }
      } else yield 'problem' in stored ? { kind: 'problem', message: stored.problem } : { kind: 'bubble', value: stored.value }
    }
    return
  }
  if (inline.length > 0) {
    for (const value of inline) yield { kind: 'bubble', value }
    return
  }
  if (!composerUnreadable) return
  const [from, to] = prefixRange(`bubbleId:${composerId}:`)
  const keys = db
    .query<{ key: string }, [string, string]>('SELECT key FROM cursorDiskKV WHERE key >= ? AND key < ? ORDER BY rowid')
    .all(from, to)
  for (const { key } of keys) {
    const stored = get(key)
    if (stored.found) yield 'problem' in stored ? { kind: 'problem', message: stored.problem } : { kind: 'bubble', value: stored.value }
  }
}

/** `composerData.workspaceIdentifier` of newer versions: a storage folder id and/or a folder URI. */
function workspaceFromIdentifier(identifier: unknown, byStorageId: ReadonlyMap<string, WorkspaceRef>): WorkspaceRef | null {
  const id = recordOf(identifier)
  const known = byStorageId.get(asText(id.id) ?? '')
  if (known) return known
  const uri = recordOf(id.uri)
  const folder = folderPath(asString(uri.external) ?? asString(uri.fsPath) ?? asString(uri.path) ?? '')
  return folder ? workspaceAt(folder) : null
}

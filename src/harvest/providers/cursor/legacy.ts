import { toEpochMs } from '../../../shared/time'
import type { SessionPart, WorkspaceRef } from '../../provider'
import { promptTitle } from '../../read/naming'
import { readSqliteParts } from '../../read/sqlite-source'
import { asArray, asString, asText, recordOf } from '../../read/values'
import { bubbleModel, messageFromBubble } from './bubble'
import { kvReader } from './kv'
import { AICHAT_KEY, COMPOSER_INDEX_KEY } from './workspaces'

/**
 * The chats older Cursor versions kept in a workspace's own `ItemTable` (docs/providers.md):
 * tabs of the pre-composer Chat panel, and composers stored inline in `composer.composerData`
 * (skipped when the global database holds the same composer, which is the better copy).
 */
export function readWorkspaceChats(
  path: string,
  workspace: WorkspaceRef,
  globalComposers: ReadonlySet<string>,
): AsyncGenerator<SessionPart> {
  return readSqliteParts(path, function* (db): Generator<SessionPart> {
    const get = kvReader(db, 'ItemTable')
    const chat = get(AICHAT_KEY)
    if (chat.found && 'problem' in chat) yield { kind: 'problem', message: chat.problem }
    else if (chat.found) yield* chatTabs(chat.value, workspace)
    const index = get(COMPOSER_INDEX_KEY)
    if (index.found && 'problem' in index) yield { kind: 'problem', message: index.problem }
    else if (index.found) yield* inlineComposers(index.value, workspace, globalComposers)
  })
}

/** `{tabs: [{tabId, chatTitle, lastSendTime, bubbles: [{type: "user"|"ai", text, modelType}]}]}`. */
function* chatTabs(value: unknown, workspace: WorkspaceRef): Generator<SessionPart> {
  for (const [index, tab] of asArray(recordOf(value).tabs).map(recordOf).entries()) {
    const id = asText(tab.tabId)
    const bubbles = asArray(tab.bubbles).map(recordOf)
    if (!id) {
      yield { kind: 'problem', message: `chat tab ${index} has no tabId` }
      continue
    }
    if (bubbles.length === 0) continue
    const textOfBubble = (bubble: Record<string, unknown>) => asString(bubble.text) || asString(bubble.rawText) || ''
    const firstUser = bubbles.find((bubble) => bubble.type === 'user')
    yield {
      kind: 'session',
      session: {
        id,
        title: asText(tab.chatTitle) ?? (firstUser ? promptTitle(textOfBubble(firstUser)) : null),
        model: bubbles.map((bubble) => asText(bubble.modelType)).findLast((model) => model !== null) ?? null,
        // Tabs only record their last send; it is the best known time for both ends.
        created: toEpochMs(tab.lastSendTime),
        updated: toEpochMs(tab.lastSendTime),
        workspace,
        metadata: { format: 'aichat' },
      },
    }
    for (const bubble of bubbles) {
      if (bubble.type !== 'user' && bubble.type !== 'ai') {
        yield { kind: 'problem', message: `chat tab ${id}: unknown bubble type ${JSON.stringify(bubble.type)}` }
        continue
      }
      const role = bubble.type === 'user' ? 'user' : 'assistant'
      yield {
        kind: 'message',
        message: {
          id: asText(bubble.id),
          role,
          content: textOfBubble(bubble),
          timestamp: null,
          model: role === 'assistant' ? asText(bubble.modelType) : null,
        },
      }
    }
  }
}

/** Old `allComposers[]` entries that carry their own `conversation[]`. */
function* inlineComposers(value: unknown, workspace: WorkspaceRef, globalComposers: ReadonlySet<string>): Generator<SessionPart> {
  for (const composer of asArray(recordOf(value).allComposers).map(recordOf)) {
    const id = asText(composer.composerId)
    const conversation = asArray(composer.conversation)
    if (!id || conversation.length === 0 || globalComposers.has(id)) continue
    const model = asText(recordOf(composer.modelConfig).modelName)
    const firstUser = conversation.map(recordOf).find((bubble) => bubble.type === 1)
    yield {
      kind: 'session',
      session: {
        id,
        title: asText(composer.name) ?? promptTitle(asString(firstUser?.text) ?? ''),
        model,
        created: toEpochMs(composer.createdAt),
        updated: toEpochMs(composer.lastUpdatedAt),
        workspace,
        metadata: { format: 'inline-composer' },
      },
    }
    let current = model
    for (const bubble of conversation) {
      current = bubbleModel(bubble) ?? current
      const message = messageFromBubble(bubble, current)
      yield typeof message === 'string' ? { kind: 'problem', message: `composer ${id}: ${message}` } : { kind: 'message', message }
    }
  }
}

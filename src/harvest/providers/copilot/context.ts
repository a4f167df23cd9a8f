import { uriComponentsPath } from './workspace'
import { arrayOf, compact, isRecord, numberOf, recordOf, stringOf, textOf, type JsonRecord } from './values'

/** Older entries flag their kind with booleans instead of `kind`. */
const LEGACY_KINDS: readonly (readonly [string, string])[] = [
  ['isFile', 'file'],
  ['isDirectory', 'directory'],
  ['isTool', 'tool'],
  ['isImage', 'image'],
]

function entryKind(entry: JsonRecord): string {
  const kind = textOf(entry.kind)
  if (kind) return kind
  return LEGACY_KINDS.find(([flag]) => entry[flag] === true)?.[1] ?? 'generic'
}

/** A serialized URI (`{ scheme, path, … }`), as opposed to a `Location` or a value of another kind. */
const isUri = (value: JsonRecord) => typeof value.path === 'string' && (typeof value.scheme === 'string' || value.$mid === 1)

/** Lines `12` or `12-15` of a range. */
function lines(range: unknown): string | undefined {
  const start = numberOf(recordOf(range)?.startLineNumber)
  const end = numberOf(recordOf(range)?.endLineNumber)
  if (start === undefined) return undefined
  return end === undefined || end === start ? `${start}` : `${start}-${end}`
}

/** The file (and lines) an attachment points at: a URI, a `Location`, or where a paste was copied from. */
function placeOf(entry: JsonRecord): { path?: string; lines?: string } {
  const candidates = [entry.value, entry.copiedFrom, entry.uri, recordOf(entry.value)?.location]
  for (const candidate of candidates.map(recordOf)) {
    if (!candidate) continue
    if (isUri(candidate)) return { path: uriComponentsPath(candidate) ?? undefined }
    const uri = recordOf(candidate.uri)
    if (uri && isUri(uri)) return { path: uriComponentsPath(uri) ?? undefined, lines: lines(candidate.range) }
  }
  return {}
}

/**
 * What the user attached to a request (`variableData.variables`, `chatVariableEntries.ts`): files,
 * selections, symbols, folders, images, tools, … as `{ kind, name, path?, lines? }`. Values are
 * never copied (images are bytes, prompt files whole texts); entries in the pre-`kind` shape
 * (`values: [{ value }]`, `isFile`) are read too.
 */
export function attachmentsOf(variableData: unknown): Record<string, unknown>[] | undefined {
  const list: Record<string, unknown>[] = []
  for (const raw of arrayOf(recordOf(variableData)?.variables) ?? []) {
    if (!isRecord(raw)) continue
    const oldValue = recordOf(arrayOf(raw.values)?.[0])?.value
    const entry = oldValue === undefined ? raw : { ...raw, value: oldValue }
    const { path, lines: range } = placeOf(entry)
    const name = stringOf(entry.name) ?? stringOf(entry.id)
    const item = compact({ kind: entryKind(entry), name, path, lines: range })
    if (item && (name !== undefined || path !== undefined)) list.push(item)
  }
  return list.length > 0 ? list : undefined
}

// `editedFileEvents[].eventKind` (ChatRequestEditedFileEventKind in `chatModel.ts`).
const FILE_DECISIONS: Record<number, string> = { 1: 'kept', 2: 'undone', 3: 'modified' }

/**
 * What the user did with edits of earlier turns before sending this request (`editedFileEvents`:
 * kept, undone, or changed by hand), as `{ path, action }`.
 */
export function fileDecisionsOf(events: unknown): Record<string, unknown>[] | undefined {
  const list: Record<string, unknown>[] = []
  for (const event of (arrayOf(events) ?? []).map(recordOf)) {
    const uri = recordOf(event?.uri)
    const path = uri && uriComponentsPath(uri)
    const action = FILE_DECISIONS[numberOf(event?.eventKind) ?? -1]
    if (path && action) list.push({ path, action })
  }
  return list.length > 0 ? list : undefined
}

/**
 * The chat mode a request was sent in (`modeInfo`): `ask`, `edit` or `agent`, or the name of a
 * custom mode.
 */
export function modeOf(modeInfo: unknown): string | undefined {
  const info = recordOf(modeInfo)
  if (!info) return undefined
  const custom = info.isBuiltin === false ? (textOf(recordOf(info.modeInstructions)?.name) ?? textOf(info.telemetryModeName)) : undefined
  return custom ?? textOf(info.kind) ?? textOf(info.telemetryModeId)
}

/** The chat participant that answered (`agent`): its display name and id, as the chat view labels the response. */
export function participantOf(agent: unknown): { participant?: string; agentId?: string } {
  const data = recordOf(agent)
  if (!data) return {}
  return { participant: textOf(data.fullName) ?? textOf(data.name), agentId: textOf(data.id) }
}

import { posix } from 'node:path'
import type { ToolInvocationInput } from '../../provider'
import { toolInvocation, type ToolCallData } from './tools'
import { uriComponentsPath } from './workspace'
import { arrayOf, isRecord, markdownText, numberOf, recordOf, stringOf, textOf, type JsonRecord } from './values'

/** What a list of response parts says: the text VS Code shows, and what it shows beside the text. */
export interface FoldedResponse {
  content: string
  tools: ToolInvocationInput[]
  thinking: string[]
  editedFiles: string[]
}

/**
 * The parts of a request's response: its array, or the one markdown string of the oldest sessions
 * (plain, or a `{ value }` object), as `chatSessionStore.ts` and the `Response` constructor revive
 * them. Undefined when there is no response.
 */
export function responseParts(response: unknown): unknown[] | undefined {
  if (typeof response === 'string') return response === '' ? undefined : [response]
  if (isRecord(response)) return typeof response.value === 'string' ? [response] : undefined
  return arrayOf(response)
}

/** Markdown is stored as a bare `IMarkdownString` (no `kind`), or a plain string in old data. */
const isMarkdown = (part: unknown) =>
  typeof part === 'string' || (isRecord(part) && (part.kind === 'markdownContent' || (part.kind === undefined && typeof part.value === 'string')))

/**
 * The parts VS Code still shows after an undo part-way through a response (`ResponseView` in
 * `chatModel.ts`): those before the undo stop with that id, stepping back over the markdown that
 * opens a code block the stop sits in front of; all of them when the stop is not there.
 */
export function splitAtUndoStop(parts: readonly unknown[], undoStop: string): { shown: unknown[]; undone: unknown[] } {
  let index = parts.findIndex((part) => isRecord(part) && part.kind === 'undoStop' && part.id === undoStop)
  if (index === -1) return { shown: [...parts], undone: [] }
  if (recordOf(parts[index + 1])?.kind === 'codeblockUri' && isMarkdown(parts[index - 1])) index -= 1
  return { shown: parts.slice(0, index), undone: parts.slice(index) }
}

/** `:12` or `:12-15` for a reference to lines of a file, as VS Code writes the reference out. */
function rangeSuffix(range: JsonRecord | undefined): string {
  const start = numberOf(range?.startLineNumber)
  const end = numberOf(range?.endLineNumber)
  if (start === undefined) return ''
  return end === undefined || end === start ? `:${start}` : `:${start}-${end}`
}

/**
 * The display text of an `inlineReference` part: its label, a symbol's name, a web link, or the
 * file's base name with the referenced lines.
 */
function referenceName(part: JsonRecord): string {
  const reference = recordOf(part.inlineReference)
  const label = textOf(part.name) ?? textOf(reference?.name)
  if (label) return label
  const location = recordOf(reference?.uri) ? reference : recordOf(reference?.location)
  const uri = recordOf(location?.uri) ?? reference
  const path = stringOf(uri?.path)
  if (!path) return ''
  const scheme = stringOf(uri?.scheme)
  if (scheme === 'http' || scheme === 'https') return `${scheme}://${stringOf(uri?.authority) ?? ''}${path}`
  return posix.basename(path) + rangeSuffix(recordOf(location?.range))
}

const pathOf = (value: unknown): string | null => {
  const uri = recordOf(value)
  return uri ? uriComponentsPath(uri) : null
}

/** Files a part changed: edit groups, code blocks applied as edits, file operations and edits made outside chat. */
function changedFiles(part: JsonRecord): (string | null)[] {
  switch (part.kind) {
    case 'textEditGroup':
    case 'notebookEditGroup':
    case 'externalEdit':
      return [pathOf(part.uri)]
    case 'codeblockUri':
      return part.isEdit === true ? [pathOf(part.uri)] : []
    case 'workspaceEdit':
      return (arrayOf(part.edits) ?? []).map((edit) => pathOf(recordOf(edit)?.newResource ?? recordOf(edit)?.oldResource))
    default:
      return []
  }
}

/**
 * Notices VS Code shows as blocks of their own: a warning, a confirmation (title and message),
 * a command button (its title).
 */
function noticeText(part: JsonRecord): string | undefined {
  switch (part.kind) {
    case 'warning':
      return markdownText(part.content)
    case 'confirmation': {
      const title = stringOf(part.title)
      const message = markdownText(part.message)
      return [title, message].filter((text) => text !== undefined && text !== '').join('\n') || undefined
    }
    case 'command':
      return stringOf(recordOf(part.command)?.title)
    default:
      return undefined
  }
}

/**
 * Folds response parts into the text VS Code shows: markdown (bare, plain strings, `markdownContent`,
 * `markdownVuln`) and inline references in order; a tool call or a notice starts a new paragraph.
 * Tool calls, thinking and changed files are collected beside it; other parts are not text.
 */
export function foldParts(parts: readonly unknown[], calls: ToolCallData): FoldedResponse {
  const folded: FoldedResponse = { content: '', tools: [], thinking: [], editedFiles: [] }
  const paragraphs: string[] = []
  let current = ''
  const flush = () => {
    if (current.trim() !== '') paragraphs.push(current.trimEnd())
    current = ''
  }
  const files = new Set<string>()
  for (const part of parts) {
    if (typeof part === 'string') {
      current += part
      continue
    }
    if (!isRecord(part)) continue
    const kind = stringOf(part.kind)
    if (kind === undefined) current += stringOf(part.value) ?? ''
    else if (kind === 'markdownContent' || kind === 'markdownVuln') current += markdownText(part.content) ?? ''
    else if (kind === 'inlineReference') current += referenceName(part)
    else if (kind === 'toolInvocationSerialized') {
      flush()
      folded.tools.push(toolInvocation(part, calls))
    } else if (kind === 'thinking') {
      const value = Array.isArray(part.value) ? part.value.filter((v) => typeof v === 'string').join('') : stringOf(part.value)
      if (value) folded.thinking.push(value)
    } else {
      const notice = noticeText(part)
      if (notice) {
        flush()
        current = notice
        flush()
      }
      for (const path of changedFiles(part)) if (path) files.add(path)
    }
  }
  flush()
  folded.content = paragraphs.join('\n\n')
  folded.editedFiles = [...files]
  return folded
}

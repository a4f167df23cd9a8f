import type { Message } from '../db'

/** What a heading says about how a turn ended, beside role and time: nothing for a complete, visible turn. */
export const turnNotes = (message: Pick<Message, 'state' | 'hidden'>): string[] => [
  ...(message.state === 'complete' ? [] : [message.state]),
  ...(message.hidden ? ['hidden by the provider'] : []),
]

/** `&`, `<`, `>`, `"` and `'` as HTML entities: text that is safe in element content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  if (!text.includes('`')) return 0
  let longest = 0
  for (const run of text.match(/`+/g)!) longest = Math.max(longest, run.length)
  return longest
}

/** A backtick fence longer than any backtick run inside `text` (at least three), so `text` cannot close it. */
export const fenceFor = (text: string): string => '`'.repeat(Math.max(3, longestBacktickRun(text) + 1))

/** `text` as a Markdown code block that nothing inside it can end. */
export const codeBlock = (text: string, language = ''): string => {
  const fence = fenceFor(text)
  return `${fence}${language}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`
}

/** `text` as an inline code span (CommonMark: a longer backtick run, padded when it starts or ends with one). */
export function codeSpan(text: string): string {
  const ticks = '`'.repeat(longestBacktickRun(text) + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${text}${pad}${ticks}`
}

/** One line of plain text for a Markdown table cell or heading: whitespace folded, pipes, tags and emphasis defused. */
export const inlineText = (text: string): string =>
  text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\|<>[\]*_`]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
    .replace(/^#/, '\\#')

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/
const FENCE_LINES = /^ {0,3}(?:`{3,}|~{3,}).*$/gm

/**
 * Message content (Markdown as the provider wrote it) made safe to embed in a Markdown document:
 * raw HTML outside code is shown as text (`<` → `&lt;`), so a stray `<!--`, `<details>` or
 * `</div>` cannot swallow or restructure the rest of the document, and a code block left open
 * is closed at the end, so it cannot swallow the messages after it.
 */
export function containMarkdown(content: string): string {
  if (!content.includes('<')) {
    if (!content.includes('`') && !content.includes('~')) return content
    // Nothing to escape: only whether a code block is left open matters.
    const open = openFenceAtEnd(content.match(FENCE_LINES) ?? [])
    return open === null ? content : `${content}\n${open}`
  }
  const lines = content.split('\n')
  let openFence: string | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fence = FENCE_LINE.exec(line)?.[1]
    if (openFence !== null) {
      if (fence && fence[0] === openFence[0] && fence.length >= openFence.length && line.trim() === fence) openFence = null
      continue
    }
    if (fence) {
      openFence = fence
      continue
    }
    // Indented code (4 spaces or a tab) is shown verbatim by Markdown already.
    if (/^(?: {4}|\t)/.test(line) || !line.includes('<')) continue
    lines[i] = escapeOutsideCodeSpans(line)
  }
  const body = lines.join('\n')
  return openFence === null ? body : `${body}\n${openFence}`
}

/** The fence still open after these fence lines (in order), or null. */
function openFenceAtEnd(fenceLines: string[]): string | null {
  let open: string | null = null
  for (const line of fenceLines) {
    const fence = FENCE_LINE.exec(line)![1]!
    if (open === null) open = fence
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) open = null
  }
  return open
}

/** `<` → `&lt;` everywhere on a line except inside inline code spans. */
function escapeOutsideCodeSpans(line: string): string {
  let out = ''
  let i = 0
  while (i < line.length) {
    if (line[i] === '`') {
      let ticks = 0
      while (line[i + ticks] === '`') ticks++
      const run = '`'.repeat(ticks)
      const close = findRun(line, run, i + ticks)
      if (close !== -1) {
        out += line.slice(i, close + ticks)
        i = close + ticks
        continue
      }
      out += run
      i += ticks
      continue
    }
    out += line[i] === '<' ? '&lt;' : line[i]
    i++
  }
  return out
}

/** Where a backtick run of exactly `run.length` starts at or after `from`, or -1. */
function findRun(line: string, run: string, from: number): number {
  let at = line.indexOf(run, from)
  while (at !== -1) {
    const before = line[at - 1] === '`'
    const after = line[at + run.length] === '`'
    if (!before && !after) return at
    let end = at
    while (line[end] === '`') end++
    at = line.indexOf(run, end)
  }
  return -1
}

/** `2026-01-08T12:00:00.000Z` → `2026-01-08 12:00:00 UTC`. */
export const readableTime = (iso: string | null): string | null => (iso === null ? null : `${iso.slice(0, 19).replace('T', ' ')} UTC`)

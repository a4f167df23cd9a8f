import type { Writable } from 'node:stream'

/** ANSI styling that turns itself off when the stream is not a terminal. */
export function styler(enabled: boolean) {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text)
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), cyan: wrap(36, 39) }
}

export type Style = ReturnType<typeof styler>

/** The width of a table or line when nothing says otherwise. */
export const DEFAULT_WIDTH = 80

/** The width output must fit: `COLUMNS` when it is a positive integer, else the terminal's, else 80. */
export function outputWidth(env: Record<string, string | undefined>, terminalColumns: number | undefined): number {
  const columns = env.COLUMNS?.trim()
  if (columns && /^\d+$/.test(columns) && Number(columns) > 0) return Number(columns)
  return terminalColumns && terminalColumns > 0 ? terminalColumns : DEFAULT_WIDTH
}

// SGR sequences (colours) are ours and zero-width; every other control character is dropped from cells,
// so a hostile title cannot move the cursor or retitle the terminal.
const SGR = /(\x1b\[[0-9;]*m)/
const CONTROL = /[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f]|\x1b(?!\[[0-9;]*m)/g
const segmenter = new Intl.Segmenter()

/** Columns a text takes on a terminal: East Asian wide characters and emoji count 2, colours 0. */
export const displayWidth = (text: string): number => Bun.stringWidth(text)

/** A cell as one line of safe text: null as `-`, whitespace runs as one space, control characters dropped. */
const cellText = (value: string | number | null): string =>
  value === null ? '-' : String(value).replace(CONTROL, '').replace(/\s+/g, ' ')

/**
 * Cuts text to `width` terminal columns, ending in `…` when cut. Never splits a character (a wide one,
 * an emoji sequence) and keeps colour sequences, so a cut coloured cell is still reset.
 */
export function clip(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width <= 0) return ''
  let out = ''
  let used = 0
  let cut = false
  for (const [n, part] of text.split(SGR).entries()) {
    if (n % 2 === 1) {
      out += part
      continue
    }
    for (const { segment } of cut ? [] : segmenter.segment(part)) {
      const w = displayWidth(segment)
      if (used + w > width - 1) {
        out += '…'
        cut = true
        break
      }
      out += segment
      used += w
    }
  }
  return out
}

/** Cuts text to `width` columns from the start, keeping its end (`…/projects/app`): for paths, whose end says most. */
export function clipStart(text: string, width: number): string {
  const plain = text.replace(new RegExp(SGR.source, 'g'), '')
  if (displayWidth(plain) <= width) return text
  if (width <= 0) return ''
  const graphemes = [...segmenter.segment(plain)].map((s) => s.segment)
  let out = ''
  let used = 0
  for (let i = graphemes.length - 1; i >= 0; i--) {
    const w = displayWidth(graphemes[i]!)
    if (used + w > width - 1) break
    out = graphemes[i]! + out
    used += w
  }
  return `…${out}`
}

/** Shortens text to `max` terminal columns with an ellipsis. */
export const truncate = (text: string | null, max: number): string | null => (text === null ? null : clip(cellText(text), max))

/** A column of a table: how narrow it may be cut, and when it may be left out. */
export interface Column {
  header: string
  /** Narrowest width the column is cut to (with `…`) before columns are left out; default 8. Numbers are never cut (only their header). */
  min?: number
  /** False for values that are useless cut (ids, times): shown whole, or left out. Default true. */
  cut?: boolean
  /** Which end a cut keeps: the start (default), or the end (paths). */
  keep?: 'start' | 'end'
  /** Left out, highest first, when the table does not fit with every column cut to its `min`; 0 never. Default: later columns first. */
  drop?: number
}

export type Cell = string | number | null

/** Rows under headers, laid out when printed, at the width of the output (`ReportCommand.print`). */
export interface Table {
  readonly kind: 'table'
  readonly columns: Required<Column>[]
  readonly rows: Cell[][]
}

const DEFAULT_MIN = 8

/** A table of `rows` under `columns` (a header, or a column with its cutting rules). */
export function table(columns: (string | Column)[], rows: Cell[][]): Table {
  return {
    kind: 'table',
    columns: columns.map((column, index) => {
      const spec = typeof column === 'string' ? { header: column } : column
      return { header: spec.header, min: spec.min ?? DEFAULT_MIN, cut: spec.cut ?? true, keep: spec.keep ?? 'start', drop: spec.drop ?? index }
    }),
    rows,
  }
}

export const isTable = (value: unknown): value is Table => typeof value === 'object' && value !== null && (value as Table).kind === 'table'

const GAP = 2

/**
 * Lays a table out in `width` columns: text columns are cut widest first down to their `min`; when even that
 * does not fit, columns are left out (highest `drop` first); numbers are right-aligned and never cut. No line
 * is longer than `width`, and no cell wraps.
 */
export function renderTable({ columns, rows }: Table, width: number): string {
  const cells = rows.map((row) => columns.map((_, i) => cellText(row[i] ?? null)))
  const numeric = columns.map((_, i) => rows.some((row) => typeof row[i] === 'number') && rows.every((row) => typeof row[i] === 'number' || row[i] === null || row[i] === ''))
  const content = columns.map((_, i) => Math.max(0, ...cells.map((row) => displayWidth(row[i]!))))
  const natural = columns.map((column, i) => Math.max(displayWidth(column.header), content[i]!))
  // A number is never cut, only its header; an id that may not be cut keeps its natural width.
  const floor = columns.map((column, i) =>
    !column.cut ? natural[i]! : numeric[i] ? Math.max(content[i]!, Math.min(natural[i]!, column.min)) : Math.min(natural[i]!, column.min),
  )

  let shown = columns.map((_, i) => i)
  const needed = (set: number[], widths: number[]) => set.reduce((sum, i) => sum + widths[i]!, 0) + GAP * (set.length - 1)
  while (needed(shown, floor) > width) {
    const droppable = shown.filter((i) => columns[i]!.drop > 0)
    if (droppable.length === 0) break
    const victim = droppable.reduce((a, b) => (columns[b]!.drop > columns[a]!.drop ? b : a))
    shown = shown.filter((i) => i !== victim)
  }

  // The widest cap on cut columns that fits: every column is its natural width, or the cap, or its floor.
  const widthAt = (cap: number) => natural.map((w, i) => Math.max(floor[i]!, Math.min(w, cap)))
  let low = 0
  let high = Math.max(0, ...natural)
  while (low < high) {
    const cap = Math.ceil((low + high) / 2)
    if (needed(shown, widthAt(cap)) <= width) low = cap
    else high = cap - 1
  }
  const widths = widthAt(low)

  const line = (row: string[]) =>
    clip(
      shown
        .map((i, n) => {
          const text = columns[i]!.keep === 'end' ? clipStart(row[i]!, widths[i]!) : clip(row[i]!, widths[i]!)
          const pad = ' '.repeat(Math.max(0, widths[i]! - displayWidth(text)))
          if (numeric[i]) return pad + text
          return n === shown.length - 1 ? text : text + pad
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
      width,
    )
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n') + '\n'
}

/** Text lines, each cut to `width` columns (lists that are not tables: search hits, problems). */
export const fitLines = (text: string, width: number): string =>
  text
    .split('\n')
    .map((line) => clip(line.replace(CONTROL, ''), width))
    .join('\n')

/** Writes a value as pretty JSON followed by a newline. */
export const writeJson = (stream: Writable | NodeJS.WritableStream, value: unknown) => stream.write(`${JSON.stringify(value, null, 2)}\n`)

/** Writes a value as one line of JSON (JSON Lines). */
export const writeJsonLine = (stream: Writable | NodeJS.WritableStream, value: unknown) => stream.write(`${JSON.stringify(value)}\n`)

/** `2026-01-08T12:00:00.000Z` → `2026-01-08 12:00` for tables. */
export const shortTime = (iso: string | null) => (iso === null ? null : iso.slice(0, 16).replace('T', ' '))

/** How a session without a title is shown (the web app says the same). */
export const UNTITLED = 'Untitled session'

/** `key: value` lines with the values aligned, each line cut to `width` columns. */
export function keyValues(rows: Array<[string, string | null]>, width: number): string {
  const keyWidth = Math.max(...rows.map(([key]) => key.length)) + 2
  return rows.map(([key, value]) => `${clip(`${`${key}:`.padEnd(keyWidth)}${cellText(value)}`, width)}\n`).join('')
}

/** Writes chunks to a stream as they come, waiting whenever the stream asks to (a pipe to a slow reader). */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve))
  }
}

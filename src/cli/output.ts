import type { Writable } from 'node:stream'

/** ANSI styling that turns itself off when the stream is not a terminal. */
export function styler(enabled: boolean) {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text)
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), cyan: wrap(36, 39) }
}

const visibleLength = (text: string) => [...text.replace(/\x1b\[[0-9;]*m/g, '')].length

/** Renders rows as an aligned text table with a header line. */
export function table(headers: string[], rows: (string | number | null)[][]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? '-' : String(cell)).replace(/\s+/g, ' ')))
  const widths = headers.map((header, i) => Math.max(visibleLength(header), ...cells.map((row) => visibleLength(row[i] ?? ''))))
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd()
  return [line(headers), ...cells.map(line)].join('\n') + '\n'
}

/** Shortens text to `max` characters with an ellipsis. */
export const truncate = (text: string | null, max: number): string | null =>
  text === null ? null : [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text

/** Writes a value as pretty JSON followed by a newline. */
export const writeJson = (stream: Writable, value: unknown) => stream.write(`${JSON.stringify(value, null, 2)}\n`)

/** `2026-01-08T12:00:00.000Z` → `2026-01-08 12:00` for tables. */
export const shortTime = (iso: string | null) => (iso === null ? null : iso.slice(0, 16).replace('T', ' '))

/** Writes chunks to a stream as they come, waiting whenever the stream asks to (a pipe to a slow reader). */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve))
  }
}

import { stat } from 'node:fs/promises'

/** One line of a JSON Lines file: its parsed value, or why it could not be parsed. */
export type JsonLine =
  | { line: number; value: unknown; bytes: number }
  | { line: number; error: string; bytes: number; incomplete: boolean }

/** Lines larger than this are skipped with an error instead of being held in memory. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024

/**
 * Streams a JSON Lines file, one parsed record at a time, without reading the whole file.
 * Tolerates a BOM, CRLF, blank lines and NUL padding; a final line without a newline that does
 * not parse is reported with `incomplete: true` (the file is being written). Never throws for bad data.
 */
export async function* readJsonLines(path: string, options: { maxLineBytes?: number } = {}): AsyncGenerator<JsonLine> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES
  for await (const raw of readLines(path, maxLineBytes)) {
    if (raw.tooLong) {
      yield { line: raw.line, error: `line longer than ${maxLineBytes} bytes skipped`, bytes: raw.bytes, incomplete: false }
      continue
    }
    const text = raw.text.replace(/\0+$/g, '').trim()
    if (text === '') continue
    try {
      yield { line: raw.line, value: JSON.parse(text), bytes: raw.bytes }
    } catch (error) {
      yield { line: raw.line, error: (error as Error).message, bytes: raw.bytes, incomplete: !raw.terminated }
    }
  }
}

interface RawLine {
  line: number
  text: string
  bytes: number
  terminated: boolean
  tooLong: boolean
}

/** Splits a file into lines on `\n` bytes, decoding each line as UTF-8 (BOM stripped). Throws for anything but a regular file. */
export async function* readLines(path: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  // A FIFO or device would block or never end; discovery never offers one, this keeps any caller safe.
  if (!(await stat(path)).isFile()) throw new Error('not a regular file')
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false })
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  let tooLong = false
  let line = 0
  const take = (terminated: boolean): RawLine => {
    line += 1
    const bytes = pendingBytes
    let text = ''
    if (!tooLong) {
      const joined = pending.length === 1 ? pending[0]! : Buffer.concat(pending)
      text = decoder.decode(joined)
      if (text.endsWith('\r')) text = text.slice(0, -1)
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    const result = { line, text, bytes, terminated, tooLong }
    pending = []
    pendingBytes = 0
    tooLong = false
    return result
  }
  const stream = Bun.file(path).stream()
  for await (const chunk of stream) {
    let start = 0
    for (;;) {
      const newline = chunk.indexOf(10, start)
      const end = newline === -1 ? chunk.length : newline
      if (end > start) {
        pendingBytes += end - start
        if (pendingBytes > maxLineBytes) {
          tooLong = true
          pending = []
        } else if (!tooLong) pending.push(chunk.subarray(start, end))
      }
      if (newline === -1) break
      yield take(true)
      start = newline + 1
    }
  }
  if (pendingBytes > 0 || tooLong) yield take(false)
}

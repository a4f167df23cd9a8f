import type { SessionPart } from '../provider'
import { readJsonLines, type JsonLine } from './jsonl'

type LineError = Extract<JsonLine, { error: string }>

/** How many bad lines of one file are reported one by one before they are only counted. */
export const LINE_PROBLEMS_SHOWN = 10

/**
 * Reads a JSONL file and turns what is wrong with it into `problem` parts: at most
 * `LINE_PROBLEMS_SHOWN` bad lines one by one (a binary file would otherwise report thousands),
 * then a count, and an empty file. Remembers whether the file ended mid-line.
 */
export function lineProblems() {
  let lines = 0
  let bad = 0
  let incomplete = false
  const shape = (line: number, what: string): SessionPart | null => {
    bad += 1
    return bad <= LINE_PROBLEMS_SHOWN ? { kind: 'problem', message: `line ${line}: ${what}` } : null
  }
  return {
    /** The file's lines, counted. */
    async *read(path: string): AsyncGenerator<JsonLine> {
      for await (const line of readJsonLines(path)) {
        lines += 1
        yield line
      }
    },
    /** Records a line that did not parse; returns the part to yield, if it is one of the first few. */
    add(line: LineError): SessionPart | null {
      if (!line.incomplete) return shape(line.line, line.error)
      incomplete = true
      return { kind: 'problem', message: `line ${line.line}: incomplete last line (the file is still being written?)` }
    },
    /** Records a line that parsed but has the wrong shape; returns the part to yield, if it is one of the first few. */
    shape,
    /** What remains to report once the file is read: the count of bad lines not listed, or that the file was empty. */
    end(): SessionPart[] {
      if (lines === 0) return [{ kind: 'problem', message: 'empty file' }]
      const hidden = bad - LINE_PROBLEMS_SHOWN
      return hidden > 0 ? [{ kind: 'problem', message: `${hidden} more bad lines not listed` }] : []
    },
    get incomplete() {
      return incomplete
    },
    /** True when the file had lines and every one parsed with the right shape (so an empty result is the content's doing). */
    get clean() {
      return lines > 0 && bad === 0 && !incomplete
    },
  }
}

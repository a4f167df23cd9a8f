import type { JsonLine } from './jsonl'
import type { SessionPart } from '../provider'

type LineError = Extract<JsonLine, { error: string }>

/** How many bad lines of one file are reported one by one before they are only counted. */
export const LINE_PROBLEMS_SHOWN = 10

/**
 * Turns a file's unparseable lines into `problem` parts, at most `LINE_PROBLEMS_SHOWN` of them
 * (a binary file would otherwise report thousands), and remembers whether the file ended mid-line.
 */
export function lineProblems() {
  let count = 0
  let incomplete = false
  return {
    /** Records a bad line; returns the part to yield, if it is one of the first few. */
    add(line: LineError): SessionPart | null {
      if (line.incomplete) {
        incomplete = true
        return { kind: 'problem', message: `line ${line.line}: incomplete last line (the file is still being written?)` }
      }
      count += 1
      return count <= LINE_PROBLEMS_SHOWN ? { kind: 'problem', message: `line ${line.line}: ${line.error}` } : null
    },
    /** Records a line that parsed but has the wrong shape. */
    shape(line: number, what: string): SessionPart | null {
      count += 1
      return count <= LINE_PROBLEMS_SHOWN ? { kind: 'problem', message: `line ${line}: ${what}` } : null
    },
    /** The closing count of lines not reported one by one, if any. */
    rest(): SessionPart | null {
      const hidden = count - LINE_PROBLEMS_SHOWN
      return hidden > 0 ? { kind: 'problem', message: `${hidden} more bad lines not listed` } : null
    },
    get incomplete() {
      return incomplete
    },
  }
}

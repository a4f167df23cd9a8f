import type { SessionPart } from '../provider'
import type { lineProblems } from './line-problems'
import { asRecord } from './values'

/** One parsed line of a JSONL file: its number and its value if that is a JSON object (else null). */
export interface ObjectLine {
  line: number
  record: Record<string, unknown> | null
}

/**
 * The lines of a JSONL file read through `problems`: each parsed line as an `ObjectLine`, each line
 * that does not parse as the problem part to pass on (only the first few are listed, as `lineProblems` does).
 */
export async function* objectLines(problems: ReturnType<typeof lineProblems>, path: string): AsyncGenerator<ObjectLine | SessionPart> {
  for await (const line of problems.read(path)) {
    if ('error' in line) {
      const problem = problems.add(line)
      if (problem) yield problem
    } else yield { line: line.line, record: asRecord(line.value) }
  }
}

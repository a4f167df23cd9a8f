import type { Database } from 'bun:sqlite'
import { columnList, type RunStepRow } from '../../db'
import { toIso } from '../../shared/time'
import type { RunStep, StepKind, StepStatus, TokenUsage } from '../model'

/** A step as the engine writes it when it starts. */
export interface StepStart {
  index: number
  agent: string
  kind: StepKind
  input: unknown
  startedAt: number
}

/** How a step ended. */
export interface StepEnd {
  output: unknown
  tokens: TokenUsage | null
  status: StepStatus
  endedAt: number
}

const STEP_KEYS = ['idx', 'agent', 'kind', 'input', 'output', 'input_tokens', 'output_tokens', 'status', 'started_at', 'ended_at'] as const

type StepRecord = Pick<RunStepRow, (typeof STEP_KEYS)[number]>

const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text))

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value))

/**
 * A stored step as the API shows it. Tool steps written before outputs were `{text, isError}` objects
 * kept the bare text: it is read into the same shape (a stopped step's text is its error).
 */
const stepFromRow = (row: StepRecord): RunStep => {
  let output = parsed(row.output)
  if (row.kind === 'tool' && typeof output === 'string') output = row.status === 'stopped' ? { error: output } : { text: output, isError: row.status === 'failed' }
  return {
    index: row.idx,
    agent: row.agent,
    kind: row.kind,
    input: parsed(row.input),
    output,
    tokens: row.input_tokens === null || row.output_tokens === null ? null : { input: row.input_tokens, output: row.output_tokens },
    startedAt: toIso(row.started_at)!,
    endedAt: toIso(row.ended_at),
    status: row.status,
  } as RunStep
}

/** The run_steps table: the engine writes a step as it starts and ends; a run reads them back in order. */
export function stepStore(sqlite: Database) {
  const q = {
    stepsOf: sqlite.prepare<StepRecord, [string]>(`SELECT ${columnList(STEP_KEYS)} FROM run_steps WHERE run_id = ? ORDER BY idx`),
    insertStep: sqlite.prepare(
      `INSERT INTO run_steps (run_id, idx, agent, kind, input, status, started_at) VALUES (?, ?, ?, ?, ?, 'running', ?)`,
    ),
    endStep: sqlite.prepare(
      'UPDATE run_steps SET output = ?, input_tokens = ?, output_tokens = ?, status = ?, ended_at = ? WHERE run_id = ? AND idx = ?',
    ),
    endRunningSteps: sqlite.prepare("UPDATE run_steps SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'running'"),
  }

  return {
    insertStep(runId: string, step: StepStart): void {
      q.insertStep.run(runId, step.index, step.agent, step.kind, json(step.input), step.startedAt)
    },

    endStep(runId: string, index: number, end: StepEnd): void {
      q.endStep.run(json(end.output), end.tokens?.input ?? null, end.tokens?.output ?? null, end.status, end.endedAt, runId, index)
    },

    /** Ends the steps of a run that are still running with the run's final status. */
    endRunningSteps(runId: string, status: StepStatus, now: number): void {
      q.endRunningSteps.run(status, now, runId)
    },

    /** A run's steps in order. */
    stepsOf(runId: string): RunStep[] {
      return q.stepsOf.all(runId).map(stepFromRow)
    },
  }
}

export type StepStore = ReturnType<typeof stepStore>
